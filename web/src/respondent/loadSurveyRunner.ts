/**
 * The one door to the lazy survey chunk. The first screen calls this as soon
 * as it shows (prefetch), and Start awaits the same promise. A failed load is
 * forgotten so that "Try again" really tries again.
 */
type SurveyRunnerModule = typeof import('./SurveyRunner');

let loading: Promise<SurveyRunnerModule> | null = null;

export function loadSurveyRunner(): Promise<SurveyRunnerModule> {
  loading ??= import('./SurveyRunner').catch((error: unknown) => {
    loading = null;
    throw error;
  });
  return loading;
}
