/** What SurveyRunner runs to preview one instrument: a link with nothing answered and consent given. */
import type { LocalisedText } from '../../../functions/contracts/common.js';
import type { SurveyJson } from '../../../functions/contracts/respondent.js';
import type { RunnableLink } from '../respondent/SurveyRunner';

export function previewLink(instrument: { id: string; version: string; contentHash: string; title: LocalisedText; survey: SurveyJson }): RunnableLink {
  return {
    study: { title: instrument.title, supportContacts: [] },
    wave: { name: instrument.title, closesAt: '' },
    consent: { version: 'preview', text: { en: '', cy: '' }, decision: 'agreed', decidedAt: null },
    checkInRequested: false,
    language: null,
    instruments: [{ ...instrument, response: null }],
  };
}
