/**
 * The one door to the lazy survey chunk and the surveys a link runs. The
 * first screen calls loadSurvey as soon as it shows (prefetch), and Start
 * awaits the same promises. A failed load is forgotten so that "Try again"
 * really tries again.
 */
import type { OpenLinkResult, SurveyJson } from '../../../functions/contracts/respondent.js';
import { fetchInstrumentSurvey } from '../api';
import type { RunnableLink } from './SurveyRunner';

type SurveyRunnerModule = typeof import('./SurveyRunner');

let loading: Promise<SurveyRunnerModule> | null = null;

export function loadSurveyRunner(): Promise<SurveyRunnerModule> {
  loading ??= import('./SurveyRunner').catch((error: unknown) => {
    loading = null;
    throw error;
  });
  return loading;
}

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

/** The survey chunk, and the link with each instrument's survey filled in. */
export async function loadSurvey(link: OpenLinkResult): Promise<{ Runner: SurveyRunnerModule['SurveyRunner']; link: RunnableLink }> {
  const [module, contents] = await Promise.all([loadSurveyRunner(), Promise.all(link.instruments.map(surveyOf))]);
  return {
    Runner: module.SurveyRunner,
    link: { ...link, instruments: link.instruments.map((instrument, i) => ({ ...instrument, survey: contents[i]! })) },
  };
}
