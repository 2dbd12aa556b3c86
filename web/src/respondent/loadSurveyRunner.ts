/**
 * The one door to the lazy chunks and the surveys a link runs: the survey
 * chunk, and the closing pages (thank-you, "No thanks"). The first screen
 * calls loadSurvey as soon as it shows (prefetch), and Start awaits the same
 * promises; so the closing pages are on the phone before the survey ends, and
 * a last answer sent without signal still gets its thank-you page. A failed
 * load is forgotten so that "Try again" really tries again.
 */
import type { OpenLinkResult, SurveyJson } from '../../../functions/contracts/respondent.js';
import { fetchInstrumentSurvey } from '../api';
import type { RunnableLink } from './SurveyRunner';

type SurveyRunnerModule = typeof import('./SurveyRunner');
export type ClosingPages = typeof import('./Closing');

/** One import at a time, remembered once it works and forgotten when it fails. */
function lazily<Module>(load: () => Promise<Module>): () => Promise<Module> {
  let loading: Promise<Module> | null = null;
  return () => {
    loading ??= load().catch((error: unknown) => {
      loading = null;
      throw error;
    });
    return loading;
  };
}

export const loadSurveyRunner = lazily(() => import('./SurveyRunner'));

export const loadClosingPages = lazily(() => import('./Closing'));

/** By instrument address: a published version's survey never changes. */
const surveys = new Map<string, Promise<SurveyJson>>();

function surveyOf(instrument: OpenLinkResult['instruments'][number]): Promise<SurveyJson> {
  const address = `${instrument.id}/${instrument.version}/${instrument.contentHash}`;
  let survey = surveys.get(address);
  if (!survey) {
    survey = fetchInstrumentSurvey(instrument).then((result) => result.survey);
    survey.catch(() => surveys.delete(address));
    surveys.set(address, survey);
  }
  return survey;
}

/** The survey chunk, the closing pages, and the link with each instrument's survey filled in. */
export async function loadSurvey(
  link: OpenLinkResult,
): Promise<{ Runner: SurveyRunnerModule['SurveyRunner']; Closing: ClosingPages; link: RunnableLink }> {
  const [module, Closing, contents] = await Promise.all([loadSurveyRunner(), loadClosingPages(), Promise.all(link.instruments.map(surveyOf))]);
  return {
    Runner: module.SurveyRunner,
    Closing,
    link: { ...link, instruments: link.instruments.map((instrument, i) => ({ ...instrument, survey: contents[i]! })) },
  };
}
