/**
 * The part of survey-core's stylesheet and icons the build set aside (see
 * survey-styles.ts), for a survey that needs it: an instrument with a
 * question type we don't ship, a panel, or a survey feature we don't turn on.
 * Part of the survey chunk; what it loads is a chunk of its own.
 */
import { addIconsToThemeSet, SvgRegistry, type SurveyModel } from 'survey-core';
import { drawsTrimmedFeature, hasFeatureClass, SHIPPED_QUESTION_TYPES } from './survey-styles';

let loading: Promise<void> | null = null;

/** Loads the set-aside rules and icons once (a failed load is forgotten, so a later call tries again). */
export function loadTrimmedSurveyStyles(): Promise<void> {
  loading ??= import('./trimmed-survey-extras').then(
    ({ trimmedIcons }) => {
      // As survey-react-ui registers its own (its icons' theme set, then the sprite).
      addIconsToThemeSet('v2', trimmedIcons);
      SvgRegistry.registerIcons(trimmedIcons);
    },
    (error: unknown) => {
      loading = null;
      throw error;
    },
  );
  return loading;
}

/** Known before the first render: a question type we don't ship, or a panel. */
export function surveyNeedsTrimmedStyles(model: SurveyModel): boolean {
  return model.getAllPanels().length > 0 || model.getAllQuestions(false, false, true).some((question) => !SHIPPED_QUESTION_TYPES.has(question.getType()));
}

/**
 * A survey feature turned on in the instrument's JSON (a logo, a timer, a
 * table of contents…): load them as soon as survey-core draws it anywhere in
 * `root`. Returns a function that stops watching.
 */
export function watchForTrimmedFeatures(root: Element): () => void {
  const load = () => {
    observer.disconnect();
    loadTrimmedSurveyStyles().catch(() => undefined);
  };
  const observer = new MutationObserver((records) => {
    for (const record of records) {
      // A class changed: that element only. Elements added: them and what they hold.
      const found =
        record.type === 'attributes'
          ? record.target instanceof Element && hasFeatureClass(record.target)
          : [...record.addedNodes].some((node) => node instanceof Element && drawsTrimmedFeature(node));
      if (found) return load();
    }
  });
  if (drawsTrimmedFeature(root)) load();
  else observer.observe(root, { subtree: true, childList: true, attributes: true, attributeFilter: ['class'] });
  return () => observer.disconnect();
}
