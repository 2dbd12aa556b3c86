/** What SurveyRunner runs to preview one instrument: a link with nothing answered and consent given. */
import type { LocalisedText } from '../../../functions/contracts/common.js';
import type { SurveyJson } from '../../../functions/contracts/respondent.js';
import type { RunnableLink } from '../respondent/SurveyRunner';

export function previewLink(instrument: { id: string; version: string; contentHash: string; title: LocalisedText; respondentTitle?: LocalisedText; survey: SurveyJson }): RunnableLink {
  const { id, version, contentHash, survey } = instrument;
  // The heading as a respondent's link shows it.
  const title = instrument.respondentTitle ?? instrument.title;
  return {
    study: { title: instrument.title, supportContacts: [] },
    wave: { name: null, closesAt: '' },
    consent: { version: 'preview', text: { en: '', cy: '' }, decision: 'agreed', decidedAt: null },
    checkInRequested: false,
    language: null,
    instruments: [{ id, version, contentHash, title, survey, response: null }],
  };
}
