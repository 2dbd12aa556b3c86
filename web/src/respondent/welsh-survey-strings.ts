/**
 * Corrections to survey-core's Welsh UI strings (survey-core/i18n/welsh,
 * v3.0.0): the buttons, placeholders and messages SurveyJS shows around our
 * instruments' own (bilingual) wording.
 *
 * DRAFT – FOR A WELSH-LANGUAGE TRANSLATOR TO CHECK. These overrides were
 * written without a translator, like the draft Welsh in ../i18n.ts. Every one
 * says what was wrong with survey-core's string. 51 of its 123 strings are
 * marked "[Auto-translated]" upstream; all 123 were read against the English
 * (survey-core's `englishStrings`), and those not overridden here read
 * correctly or are never shown to participants (Survey Creator, file upload,
 * timers, developer errors).
 *
 * Rules: keep every `{placeholder}` exactly as in the English string (they
 * are template keys, not words: tests/unit/welsh-survey-strings.test.ts
 * checks them); plain, warm, short wording for 16–25-year-olds; the
 * colloquial "chi" register of ../i18n.ts.
 *
 * Applied on top of survey-core's locale by `applyWelshSurveyStrings()`,
 * after `import 'survey-core/i18n/welsh'` has registered it.
 */
import { surveyLocalization } from 'survey-core';

export const welshSurveyStringOverrides: Record<string, string> = {
  // "None" as a choice: "Dim" alone reads as a bare "nothing/zero"; say "none of these".
  noneItemText: "Dim un o'r rhain",
  // "Refuse to answer": "Gwrthod ateb" is a blunt "refuse answer"; the gentler
  // wording used elsewhere in our instruments is "I'd rather not answer".
  refuseItemText: "Mae'n well gen i beidio ag ateb",
  // "Don't know": a participant's own voice reads more naturally ("I don't know").
  dontKnowItemText: 'Dydw i ddim yn gwybod',
  // "Select..." (a rating's drop-down, where one is still drawn): the imperative, as the drop-down placeholder says it.
  ratingOptionsCaption: 'Dewiswch...',
  // "Select All": stray capital and trailing space.
  selectAllItemText: 'Dewis y cyfan',
  // "Deselect all": "Dad-ddethol yr holl" stops mid-phrase ("deselect all the…").
  deselectAllItemText: 'Dad-ddewis y cyfan',
  // "{0} of {1}" (panel records): upstream adds "Cofnod" (record), which the English no longer says.
  panelDynamicProgressText: '{0} o {1}',
  // "Loading Survey...": English-style title case.
  loadingSurvey: "Wrthi'n llwytho'r arolwg...",
  // "Please enter a value that matches the step size of {0}.": "faint cam" is a word-for-word calque.
  stepError: "Rhowch werth sy'n mynd i fyny fesul {0}.",
  // "Please complete the value to match the required format.": mutation error
  // ("ffurf gofynnol" → "ffurf ofynnol") and stiff; plainer wording.
  incompletePatternError: 'Gorffennwch yr ateb fel ei fod yn y fformat cywir.',
  // "Please enter no more than {0} character(s).": "llai na {0}" means "fewer than {0}" (off by one).
  textMaxLength: 'Peidiwch â rhoi mwy na {0} nod.',
  // "Please select at least {0} option(s).": "amrywiolyn" means a (biological/linguistic) variant, not an option.
  minSelectError: 'Dewiswch o leiaf {0} opsiwn.',
  // "Please select no more than {0} option(s).": same "amrywiolyn" error.
  maxSelectError: 'Peidiwch â dewis mwy na {0} opsiwn.',
  // "The '{0}' should be at least {1} and at most {2}": the second half
  // ("a'r fath â {2}") is broken; say it plainly.
  numericMinMax: "Dylai'r '{0}' fod o leiaf {1} a dim mwy na {2}",
  // "The '{0}' should be at least {1}": "yr un fath â {1} neu'n fwy" is roundabout.
  numericMin: "Dylai'r '{0}' fod o leiaf {1}",
  // "The '{0}' should be at most {1}": as above.
  numericMax: "Ddylai'r '{0}' ddim bod yn fwy na {1}",
  // "There are no rows.": "ffraeau" means "quarrels", not "rows".
  noRowsText: 'Does dim rhesi.',
  // "{rowTitle}": upstream translated the placeholder itself ("{rhesTeitl}"),
  // which breaks the template: it must stay "{rowTitle}".
  rowNameTemplateTitle: '{rowTitle}',
  // "Add new": "Ychwanegu o'r newydd" means "add again/anew".
  addPanel: 'Ychwanegu un newydd',
  // "Hide Details": word order reversed ("Details Hide").
  hideDetails: 'Cuddio manylion',
  // "Sign here": "Arwydd" is the noun "a sign"; the verb is "llofnodi".
  signaturePlaceHolder: 'Llofnodwch yma',
  // "Take Photo": English-style title case.
  takePhotoCaption: 'Tynnu llun',
  // "Replace file": "Amnewid" is correct but technical; "Newid" is what people say.
  replaceFileCaption: 'Newid ffeil',
  // "Yes" (yes/no question): "Iawn" means "OK/right", not "yes". Welsh answers
  // echo the verb, so a fixed label can only use the general "Ie".
  booleanCheckedLabel: 'Ie',
  // "Apply" (button on pop-up lists on phones): "Cynnig" means "offer".
  modalApplyButtonText: 'Cadarnhau',
  // "Loading...": the bare verb-noun; match "Wrthi'n llwytho..." used elsewhere.
  loadingPage: "Wrthi'n llwytho...",
  // "Loading...": as above.
  loadingData: "Wrthi'n llwytho...",
  // "OK" (button): "OCÊ" is slangy on a button; "Iawn" is the usual button word.
  tagboxDoneButtonCaption: 'Iawn',
  // "OK": as above.
  ok: 'Iawn',
  // "All choices are selected for ranking": "graddio" means grading/rating, not
  // putting in order, and the impersonal "Dewisir" is stiff.
  selectToRankEmptyRankedAreaText: 'Rydych chi wedi rhoi pob dewis mewn trefn',
  // "Drag choices here to rank them": "graddio" (grade) → "rhoi mewn trefn" (put in order).
  selectToRankEmptyUnrankedAreaText: "Llusgwch ddewisiadau yma i'w rhoi mewn trefn",
};

/** Put the overrides on top of survey-core's Welsh locale (registered by survey-core/i18n/welsh). */
export function applyWelshSurveyStrings(): void {
  const cy = surveyLocalization.locales['cy'];
  if (!cy) return;
  // One kind of apostrophe on every screen: survey-core's Welsh uses the curly one, Pont's texts and instruments the straight one.
  const straight = Object.fromEntries(Object.entries(cy).map(([key, text]) => [key, typeof text === 'string' ? text.replace(/’/g, "'") : text]));
  surveyLocalization.locales['cy'] = { ...straight, ...welshSurveyStringOverrides };
}
