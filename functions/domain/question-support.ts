/**
 * Which SurveyJS question types and properties Pont runs end to end, and which
 * it refuses: the one list `instrument validate`, publishing and wave creation
 * check instruments against, the README's coverage table is generated from
 * (npm run pont -- instrument support-table), and the coverage test
 * (tests/unit/question-support.test.ts) runs one instrument per row through.
 *
 * Supported means all of it: the server checks every answer (answer-validation.ts),
 * the export lays it out in fixed columns with a codebook entry
 * (export/item-columns.ts), and the instrument check accepts it. Anything
 * else is refused when the instrument is validated, with its JSON path and
 * the reason, never accepted and then failing when a care leaver answers or
 * a researcher exports.
 *
 * Pure: reads the survey JSON (no survey-core), so the table and the checks
 * can be read anywhere.
 */
import { pagesOf, propertyOf } from './instrument-questions.js';

export type Verdict = 'supported' | 'refused';

export type SupportEntry = {
  /** How the table names the type or property (SurveyJS's names in backticks). */
  name: string;
  verdict: Verdict;
  /** Supported: what the server checks and what the export makes of it. Refused: why, and what to do instead. */
  detail: string;
  /** The SurveyJS properties the row decides (the coverage test holds every property survey-core has to some row). */
  covers?: readonly string[];
};

const supported = (name: string, detail: string, covers: readonly string[] = []): SupportEntry => ({ name, verdict: 'supported', detail, covers });
const refused = (name: string, detail: string, covers: readonly string[] = []): SupportEntry => ({ name, verdict: 'refused', detail, covers });

// ---- question types ---------------------------------------------------------------------------

const FREE_TEXT = 'exported only with `--include-free-text`';

export const QUESTION_TYPES = {
  radiogroup: supported('`radiogroup`', 'One of its choices. One column; numeric when every choice is a number.'),
  dropdown: supported('`dropdown`', 'One of its choices (with `choicesMin`…`choicesMax` in `choicesStep`). One column, as radiogroup.'),
  checkbox: supported(
    '`checkbox`',
    'A list of its choices, each once; "none", refuse, don\'t know and `isExclusive` choices only on their own; `minSelectedChoices`/`maxSelectedChoices` on a list that has any. An empty list is no answer. One 1/0 column per choice.',
  ),
  tagbox: supported('`tagbox`', 'As checkbox.'),
  imagepicker: supported('`imagepicker`', 'One of its choices, or with `multiSelect` a list as checkbox; pictures embedded in the instrument only. Columns as radiogroup or checkbox.'),
  ranking: supported('`ranking`', 'Every choice shown, each once, in order. One numeric column per choice holding its place (1 = first).'),
  rating: supported('`rating`', 'One of its values (`rateValues`, or `rateMin`…`rateMax` in `rateStep`). One numeric column.'),
  slider: supported('`slider`', 'One number from `min` to `max` on `step`. One numeric column; `customLabels` become value labels.'),
  boolean: supported('`boolean`', 'Its `valueTrue` or `valueFalse`. One column, 1 for yes and 0 for no.'),
  matrix: supported('`matrix`', 'Per row shown, one of its columns shown. One column per row.'),
  multipletext: supported(
    '`multipletext`',
    `One answer per box: a number in a number box, a real date in a date box, text up to its \`maxLength\`. One column per box: number boxes numeric, text boxes ${FREE_TEXT}, date boxes as their month only.`,
  ),
  text: supported('`text` (`inputType` text, email, tel, url)', `Text up to \`maxLength\` (10,000 when none is set); survey-core checks email addresses. Free text, ${FREE_TEXT}.`),
  textNumber: supported('`text` (`inputType` number, range)', 'A number within `min`, `max` and `step`. One numeric column.'),
  textDate: supported(
    '`text` (`inputType` date, datetime-local, month, week)',
    `A real date in the input's format (2026-03-31, 2026-03-31T14:05, 2026-03, 2026-W14), within \`min\` and \`max\`. Never exported whole: its month only, ${FREE_TEXT}.`,
  ),
  textTime: supported('`text` (`inputType` time)', `A time of day, 14:05 or 14:05:30. Free text, ${FREE_TEXT}.`),
  textColor: supported('`text` (`inputType` color)', `A colour as #rrggbb. Free text, ${FREE_TEXT}.`),
  textPassword: refused('`text` (`inputType` password)', 'Answers are stored and exported: never ask for a password. Use inputType text.'),
  comment: supported('`comment`', `Text up to \`maxLength\` (10,000 when none is set). Free text, ${FREE_TEXT}.`),
  expression: supported(
    '`expression`',
    "Computed again by the server from the answers at every save; the value the respondent's device sends is discarded. Exported as a number (yes/no as 1/0; a computed text is left out, as it could repeat free text). Empty when the question is hidden.",
  ),
  html: supported('`html`', 'Takes no answer; its HTML is checked against the allow-list.'),
  image: supported('`image`', 'Takes no answer; the picture must be embedded in the instrument.'),
  panel: supported('`panel`', 'Groups questions; its `visibleIf`, `enableIf` and `requiredIf` apply to them.'),
  matrixdropdown: refused(
    '`matrixdropdown`',
    'Its cells can be any question type, which the server does not check cell by cell: use a matrix (one choice per row), or one question per cell.',
  ),
  matrixdynamic: refused('`matrixdynamic`', 'The respondent adds rows, so the answers do not fit a dataset\'s fixed columns: ask for a fixed number of rows with a matrix or separate questions.'),
  paneldynamic: refused('`paneldynamic`', 'The respondent adds panels, so the answers do not fit a dataset\'s fixed columns: ask for a fixed number with separate questions.'),
  file: refused('`file`', 'Files are personal data Pont does not store.'),
  signaturepad: refused('`signaturepad`', 'A signature is personal data Pont does not store: ask for consent with a boolean or a radiogroup.'),
  unknown: refused('any other type (custom components)', 'Pont only runs the question types it checks and exports.'),
} satisfies Record<string, SupportEntry>;

// ---- properties ---------------------------------------------------------------------------------

export const PROPERTIES = {
  visibleIf: supported(
    '`visibleIf`, `visible` (questions, panels, pages)',
    'survey-core decides on the server what is shown; on submission an answer to a question that is not shown is refused (the respondent page clears them first, as SurveyJS does).',
    ['visibleIf', 'visible'],
  ),
  enableIf: supported(
    '`enableIf`, `readOnly` (questions, panels, pages)',
    "On submission an answer to a question that cannot be changed is refused unless it is the question's `defaultValue` (the respondent page clears them first).",
    ['enableIf', 'readOnly'],
  ),
  requiredIf: supported('`isRequired`, `requiredIf`, `eachRowRequired`', 'Checked by survey-core on the server at submission.', ['isRequired', 'requiredIf', 'eachRowRequired', 'isCommentRequired']),
  validators: supported(
    '`validators` (numeric, text, answercount, regex, email, expression), `eachRowUnique`',
    'Run by survey-core on the server at submission; warnings and notes (`notificationType`) do not stop it, as on the respondent page.',
    ['validators', 'eachRowUnique', 'text', 'notificationType', 'minValue', 'maxValue', 'minLength', 'maxLength', 'allowDigits', 'minCount', 'maxCount', 'regex', 'caseInsensitive', 'expression'],
  ),
  choicesVisibleIf: supported(
    '`choicesVisibleIf`, a choice\'s `visibleIf`, `rowsVisibleIf`, `columnsVisibleIf`',
    'On submission only the choices, rows and columns shown count: the respondent page clears the others, as SurveyJS does.',
    ['choicesVisibleIf', 'rowsVisibleIf', 'columnsVisibleIf'],
  ),
  choicesEnableIf: supported(
    '`choicesEnableIf`, a choice\'s `enableIf`',
    'A choice made before it was disabled stays, as it does on the respondent\'s screen; the export is unchanged.',
    ['choicesEnableIf'],
  ),
  showOtherItem: supported(
    '`showOtherItem` (`hasOther`)',
    `"other", with the respondent's own words stored as \`<name>-Comment\` (up to \`maxCommentLength\`, 10,000 when none is set; refused when "other" is not chosen). The words go to a column \`<name>_other\`, ${FREE_TEXT}.`,
    ['showOtherItem', 'otherText', 'otherPlaceholder', 'otherErrorText'],
  ),
  otherWithComment: refused(
    '`showOtherItem` with `showCommentArea` on one question',
    'SurveyJS then stores the typed "other" text as the answer itself, which is not one of the choices: offer one or the other.',
  ),
  storeOthersAsComment: refused(
    '`storeOthersAsComment`: false',
    'The typed "other" text would replace the answer, which is then not one of the choices: leave it out.',
    ['storeOthersAsComment'],
  ),
  showNoneItem: supported('`showNoneItem` (`hasNone`), `isExclusive`, `showSelectAllItem`', '"none" (and an exclusive choice) only on its own in a list. A column like any choice.', ['showNoneItem', 'noneText', 'isExclusive', 'showSelectAllItem', 'selectAllText']),
  showRefuseItem: supported(
    '`showRefuseItem`, `showDontKnowItem`',
    'Stored as `refused` and `dontknow`; exported as declared missing values (-6 and -5 in numeric columns, which stay numeric; `refused` and `dontknow` in text columns), labelled with the question\'s own texts.',
    ['showRefuseItem', 'showDontKnowItem', 'refuseText', 'dontKnowText'],
  ),
  nonAnswerKinds: refused(
    'more than two of "prefer_not_to_say", "not_applicable", `showRefuseItem`, `showDontKnowItem` on a radiogroup, dropdown or one-choice imagepicker with text-valued choices',
    'Its text column would need more than three missing values (one is kept for suppressed cells), which SPSS cannot declare: offer at most two, or give the choices numeric values.',
  ),
  showCommentArea: supported(
    '`showCommentArea` (`hasComment`)',
    `The comment is stored as \`<name>-Comment\` (up to \`maxCommentLength\`, 10,000 when none is set) and goes to a column \`<name>_comment\`, ${FREE_TEXT}.`,
    ['showCommentArea', 'commentText', 'commentPlaceholder'],
  ),
  choiceComment: refused(
    "a choice's `showCommentArea` or `elements`",
    'Comments and questions inside a choice are not checked or exported: use the question\'s own comment area, or a question shown with `visibleIf`.',
    ['elements', 'commentPlaceholder'],
  ),
  choicesFromQuestion: supported(
    '`choicesFromQuestion`, `choicesFromQuestionMode`',
    "The choices of another choice question of the same instrument (its \"other\" included): the answer must be one of them, and on submission one of those offered then (mode selected, unselected or all). Exported with the source's choices.",
    ['choicesFromQuestion', 'choicesFromQuestionMode'],
  ),
  choicesFromNowhere: refused(
    '`choicesFromQuestion` naming no choice question of the instrument',
    'The question would offer no choices Pont can check or export: name a radiogroup, checkbox, dropdown, tagbox, imagepicker or ranking with choices of its own.',
  ),
  choiceValuesFromQuestion: refused(
    '`choiceValuesFromQuestion`, `choiceTextsFromQuestion`',
    'They read a matrixdynamic or paneldynamic, which Pont refuses.',
    ['choiceValuesFromQuestion', 'choiceTextsFromQuestion'],
  ),
  calculatedValues: supported(
    '`calculatedValues`',
    "Computed again by the server from the answers at every save; the values the respondent's device sends are discarded. With `includeIntoResult` kept with the answers and exported under its name as a number (yes/no as 1/0).",
    ['calculatedValues', 'includeIntoResult'],
  ),
  calculatedNamedLikeAQuestion: refused('a calculated value named like a question', 'The two would be stored under one name: rename one.'),
  triggers: refused(
    '`triggers`',
    'They set values, skip or complete in the respondent\'s browser, which the server cannot do again to check: use `visibleIf`, `requiredIf`, an `expression` question or a calculated value.',
    ['triggers'],
  ),
  defaultValue: supported('`defaultValue`', 'Must be an answer the question accepts, checked as one.', ['defaultValue']),
  defaultValueInvalid: refused('a `defaultValue` the question would not accept', 'It would be refused when the respondent submits: make it one of the choices, or a value in range.'),
  valueExpressions: refused(
    '`defaultValueExpression`, `setValueExpression`, `setValueIf`, `resetValueIf`',
    'They compute answers in the respondent\'s browser, which the server cannot check: use an `expression` question or a calculated value, which the server computes.',
    ['defaultValueExpression', 'setValueExpression', 'setValueIf', 'resetValueIf'],
  ),
  bindings: refused('`bindings`', 'They tie a question to a dynamic matrix\'s or panel\'s row count, which Pont refuses.', ['bindings']),
  choicesByUrl: refused(
    '`choicesByUrl`',
    "The respondent's browser would fetch another site, and the server could not check values loaded that way: list the choices.",
    ['choicesByUrl'],
  ),
  allowCustomChoices: refused('`allowCustomChoices`', 'A typed-in answer is not one of the choices: offer "other" (`showOtherItem`) instead.', ['allowCustomChoices', 'createCustomChoiceText']),
  choicesLazyLoadEnabled: refused('`choicesLazyLoadEnabled`', 'The choices would come from code running in the page, which Pont does not have: list the choices.', ['choicesLazyLoadEnabled', 'choicesLazyLoadPageSize']),
  valuePropertyName: refused('`valuePropertyName`', 'Answers would be stored as objects the export does not read: leave it out.', ['valuePropertyName']),
  limits: supported(
    '`min`, `max`, `step` (number and date inputs, slider), `maxLength`, `maxTextLength`, `maxCommentLength`',
    'Checked by the server: text length and a slider at every save; numbers and dates typed in at submission (a draft saved half-way through typing is kept).',
    ['min', 'max', 'step', 'maxLength', 'maxTextLength', 'maxCommentLength', 'minErrorText', 'maxErrorText', 'stepErrorText'],
  ),
  limitExpressions: refused('`minValueExpression`, `maxValueExpression`', 'Limits computed in the browser, which the server does not compute: set `min` and `max`.', ['minValueExpression', 'maxValueExpression']),
  maskType: refused('`maskType` (other than none), `maskSettings`', 'The stored value depends on mask settings the server does not check: use `inputType` and validators.', ['maskType', 'maskSettings']),
  selectedChoices: supported(
    '`minSelectedChoices`, `maxSelectedChoices`',
    'On a list that has any choice (an empty list is no answer): the maximum at every save, the minimum at submission.',
    ['minSelectedChoices', 'maxSelectedChoices'],
  ),
  choicesMin: supported('`choicesMin`, `choicesMax`, `choicesStep` (dropdown)', 'The numbered choices are choices like any other.', ['choicesMin', 'choicesMax', 'choicesStep']),
  sliderRange: refused('`sliderType`: "range"', 'A range is two numbers, which the export does not lay out: ask for the two ends as two sliders.', ['sliderType', 'minRangeLength', 'maxRangeLength', 'allowDragRange', 'allowSwap']),
  selectToRank: refused('`selectToRankEnabled`', 'Rankings of some choices only are not laid out in the export: rank every choice, or ask which matter with a checkbox first and rank those (`choicesFromQuestion`).', ['selectToRankEnabled']),
  rankingItems: refused('other, none, refuse or don\'t-know items on a ranking', 'A ranking orders its choices only; SurveyJS does not show these items there.'),
  matrixCheckboxCells: refused('`cellType`: "checkbox" (matrix)', 'A list per row is not laid out in the export: use one checkbox per row.', ['cellType']),
  remotePictures: refused(
    'pictures from another site (`imageLink`, `logo`, `backgroundImage`)',
    'A picture from another site tells that site who opens the survey: embed it in the instrument as data:image/png;base64,… (or jpeg, gif, webp).',
    ['imageLink', 'logo', 'backgroundImage'],
  ),
  navigateToUrl: refused('`navigateToUrl`, `navigateToUrlOnCondition`', 'They would send the respondent to another site at the end: the respondent page shows its own closing page.', ['navigateToUrl', 'navigateToUrlOnCondition']),
  surveyService: refused('`surveyId`, `surveyPostId`', "They would load the survey from, or send answers to, SurveyJS's own service: Pont stores answers itself.", ['surveyId', 'surveyPostId']),
  displayOnly: refused('`mode`: "display", or the survey\'s `readOnly`', 'No question could be answered.', ['mode']),
  timeLimit: refused('`timeLimit`, `timeLimitPerPage`', 'The survey would end when time runs out, with answers missing that the server then refuses.', ['timeLimit', 'timeLimitPerPage']),
  clearInvisibleNone: refused(
    '`clearInvisibleValues` or `clearIfInvisible`: "none"',
    'Answers to hidden questions would be sent, and the server refuses them: leave it out (SurveyJS clears them when the survey is completed).',
    ['clearInvisibleValues', 'clearIfInvisible'],
  ),
  structure: supported(
    'structure: `name`, `valueName`, `pages`, `elements`, `choices`, `rows`, `columns`, `items`, texts',
    'Question names (or `valueName`s) are dataset columns: each must be unique.',
    ['name', 'valueName', 'pages', 'elements', 'choices', 'rows', 'columns', 'cells', 'items', 'value', 'title', 'description', 'html', 'locale', '$schema', 'sjsVersion', 'inputType', 'rateValues', 'rateMin', 'rateMax', 'rateStep', 'rateCount', 'autoGenerate', 'valueTrue', 'valueFalse', 'labelTrue', 'labelFalse', 'label', 'multiSelect', 'customLabels', 'altText', 'page'],
  ),
  presentation: supported(
    'presentation: layout, numbering, order, placeholders, navigation and progress, completion texts, formats',
    'Change what the respondent sees, not what is stored.',
  ),
} satisfies Record<string, SupportEntry>;

export type SupportEntryId = keyof typeof QUESTION_TYPES | keyof typeof PROPERTIES;

/**
 * Properties that change only what the respondent sees (the `presentation`
 * row). The coverage test holds every property survey-core declares for the
 * classes Pont runs to this list or to a row's `covers`, so a survey-core
 * upgrade adding one fails until someone decides which it is.
 */
export const PRESENTATION_PROPERTIES: readonly string[] = [
  'state', 'useDisplayValuesInDynamicTexts', 'width', 'minWidth', 'maxWidth', 'colSpan', 'effectiveColSpan', 'startWithNewLine', 'indent', 'innerIndent',
  'titleLocation', 'showTitle', 'descriptionLocation', 'showNumber', 'hideNumber', 'requiredErrorText', 'errorLocation', 'renderAs', 'defaultDisplayValue',
  'randomize', 'randomizeCategory', 'correctAnswer', 'choicesOrder', 'hideIfChoicesEmpty', 'separateSpecialChoices', 'colCount', 'itemComponent', 'placeholder',
  'allowClear', 'searchEnabled', 'searchMode', 'textWrapEnabled', 'hideSelectedItems', 'closeOnSelect', 'inputFieldComponent', 'autocomplete', 'dataList',
  'inputSize', 'inputTextAlignment', 'textUpdateMode', 'cols', 'autoGrow', 'allowResize', 'acceptCarriageReturn', 'longTap', 'selectToRankSwapAreas',
  'selectToRankAreasLayout', 'selectToRankEmptyRankedAreaText', 'selectToRankEmptyUnrankedAreaText', 'contentMode', 'imageFit', 'imageHeight', 'imageWidth',
  'minImageWidth', 'minImageHeight', 'maxImageWidth', 'maxImageHeight', 'showLabel', 'itemErrorLocation', 'itemTitleWidth', 'format', 'displayStyle', 'currency',
  'maximumFractionDigits', 'minimumFractionDigits', 'useGrouping', 'precision', 'rateType', 'scaleColorMode', 'rateColorMode', 'minRateDescription',
  'maxRateDescription', 'displayRateDescriptionsAsExtremeItems', 'rateDescriptionLocation', 'displayMode', 'swapOrder', 'useTitleAsLabel', 'columnMinWidth',
  'showHeader', 'verticalAlign', 'alternateRows', 'rowTitleWidth', 'rowOrder', 'hideIfRowsEmpty', 'cellComponent', 'showLabels', 'tooltipVisibility',
  'labelFormat', 'tooltipFormat', 'labelCount', 'showValue', 'questionTitleWidth', 'questionTitleLocation', 'gridLayoutColumns', 'questionOrder',
  'questionErrorLocation', 'showQuestionNumbers', 'questionStartIndex', 'allowAdaptiveActions', 'showNavigationButtons', 'navigationTitle',
  'navigationDescription', 'logoWidth', 'logoHeight', 'logoFit', 'logoPosition', 'autoFocusFirstQuestion', 'autoFocusFirstError', 'completedHtml',
  'completedBeforeHtml', 'completedHtmlOnCondition', 'loadingHtml', 'surveyShowDataSaving', 'cookieName', 'partialSendEnabled', 'navigationButtonsLocation',
  'showPrevButton', 'showPageTitles', 'showCompletePage', 'matrixDragHandleArea', 'showPageNumbers', 'questionDescriptionLocation', 'showProgressBar',
  'progressBarLocation', 'progressBarType', 'progressBarShowNavigationText', 'progressBarShowPageNumbers', 'progressBarNavigationTextLocation',
  'progressBarInheritWidthFrom', 'showTOC', 'tocLocation', 'tocItemComponent', 'autoAdvanceEnabled', 'autoAdvanceAllowComplete', 'checkErrorsMode',
  'validateVisitedEmptyFields', 'autoGrowComment', 'allowResizeComment', 'commentAreaRows', 'startSurveyText', 'pagePrevText', 'pageNextText', 'completeText',
  'previewText', 'editText', 'requiredMark', 'questionTitlePattern', 'questionTitleTemplate', 'firstPageIsStartPage', 'isSinglePage', 'questionsOnPageMode',
  'showPreviewBeforeComplete', 'previewMode', 'showTimer', 'timerLocation', 'timerInfoMode', 'showTimerPanel', 'widthMode', 'gridLayoutEnabled',
  'fitToContainer', 'headerView', 'backgroundImageFit', 'backgroundImageAttachment', 'backgroundOpacity', 'showBrandInfo',
];

// ---- finding what an instrument uses ---------------------------------------------------------

export type SupportProblem = { path: string; message: string; entry: SupportEntryId };

/** Where in the survey a JSON object sits and what it is. */
export type SurveyNode = {
  kind: 'survey' | 'page' | 'panel' | 'question' | 'choice' | 'box' | 'calculatedValue';
  json: Record<string, unknown>;
  path: string;
  /** Choices and boxes: their question. */
  owner?: SurveyNode;
};

/** Question types whose answers are among their choices, which choicesFromQuestion may name. */
const CHOICE_TYPES = new Set(['radiogroup', 'checkbox', 'dropdown', 'tagbox', 'imagepicker', 'ranking']);
const TEXT_INPUT_ENTRIES: Record<string, keyof typeof QUESTION_TYPES> = {
  number: 'textNumber', range: 'textNumber', date: 'textDate', 'datetime-local': 'textDate', month: 'textDate', week: 'textDate',
  time: 'textTime', color: 'textColor', password: 'textPassword', text: 'text', email: 'text', tel: 'text', url: 'text',
};
/** Special choices that are not answers (the export's missing values). */
const NON_ANSWER_CHOICES = ['prefer_not_to_say', 'not_applicable'];
/** Choice questions whose answer is one value in one column (a checkbox's choices are columns of 1/0 each). */
const SINGLE_VALUE_TYPES = new Set(['radiogroup', 'dropdown']);
const EMBEDDED_PICTURE = /^data:image\/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/]+=*$/;

/** Rows of the type table that are not SurveyJS type names: text inputs by inputType, and types the table does not name. */
const ROWS_BEYOND_TYPES: ReadonlySet<string> = new Set(['textNumber', 'textDate', 'textTime', 'textColor', 'textPassword', 'unknown']);

/** The row of the table a question falls under: its type's, or for a text input its inputType's. */
export function typeEntryOf(question: Record<string, unknown>): keyof typeof QUESTION_TYPES {
  const type = String(question.type);
  if (type === 'text') return TEXT_INPUT_ENTRIES[String(question.inputType ?? 'text')] ?? 'text';
  return Object.hasOwn(QUESTION_TYPES, type) && !ROWS_BEYOND_TYPES.has(type) ? (type as keyof typeof QUESTION_TYPES) : 'unknown';
}

/** Every object of a survey the support rules read, in survey order: the survey, pages, panels, questions and their choices and boxes. */
export function surveyNodes(survey: Record<string, unknown>, path = 'survey'): SurveyNode[] {
  const nodes: SurveyNode[] = [{ kind: 'survey', json: survey, path }];
  const objects = (value: unknown) => (Array.isArray(value) ? value : []).map((item, index) => [item, index] as const).filter(([item]) => isObject(item)) as [Record<string, unknown>, number][];
  const pagesKey = Array.isArray(survey.pages) ? 'pages' : undefined;
  const visitElements = (container: Record<string, unknown>, here: string) => {
    const key = container.elements !== undefined ? 'elements' : 'questions';
    for (const [element, index] of objects(propertyOf(container, 'elements'))) {
      const elementPath = `${here}.${key}[${index}]`;
      if (element.type === 'panel') {
        nodes.push({ kind: 'panel', json: element, path: elementPath });
        visitElements(element, elementPath);
        continue;
      }
      const question: SurveyNode = { kind: 'question', json: element, path: elementPath };
      nodes.push(question);
      for (const list of ['choices', 'rateValues', 'rows', 'columns']) {
        for (const [choice, i] of objects(element[list])) nodes.push({ kind: 'choice', json: choice, path: `${elementPath}.${list}[${i}]`, owner: question });
      }
      if (element.type === 'multipletext') {
        for (const [box, i] of objects(element.items)) nodes.push({ kind: 'box', json: box, path: `${elementPath}.items[${i}]`, owner: question });
      }
    }
  };
  if (pagesKey) {
    for (const [page, index] of objects(survey.pages)) {
      nodes.push({ kind: 'page', json: page, path: `${path}.pages[${index}]` });
      visitElements(page, `${path}.pages[${index}]`);
    }
  } else {
    visitElements(survey, path);
  }
  for (const [calculated, index] of objects(survey.calculatedValues)) nodes.push({ kind: 'calculatedValue', json: calculated, path: `${path}.calculatedValues[${index}]` });
  return nodes;
}

type Rule = {
  entry: SupportEntryId;
  on: readonly SurveyNode['kind'][];
  /** The property the rule reads (the problem's path ends with it); without one the problem is the node's. */
  property?: string;
  refuses(value: unknown, node: SurveyNode, survey: SurveyIndex): boolean;
};

type SurveyIndex = { questions: ReadonlyMap<string, Record<string, unknown>> };

const present = (value: unknown) => value !== undefined && value !== null && value !== false && value !== '';
const isTrue = (value: unknown) => value === true;
const has = (property: string, on: Rule['on'], entry: SupportEntryId): Rule => ({ entry, on, property, refuses: present });

const RULES: readonly Rule[] = [
  { entry: 'unknown', on: ['question'], refuses: (_, node) => typeEntryOf(node.json) === 'unknown' },
  ...(['matrixdropdown', 'matrixdynamic', 'paneldynamic', 'file', 'signaturepad', 'textPassword'] as const).map(
    (entry): Rule => ({ entry, on: ['question'], refuses: (_, node) => typeEntryOf(node.json) === entry }),
  ),
  { entry: 'textPassword', on: ['box'], property: 'inputType', refuses: (value) => value === 'password' },
  { entry: 'otherWithComment', on: ['question'], refuses: (_, node) => isTrue(propertyOf(node.json, 'showOtherItem')) && isTrue(propertyOf(node.json, 'showCommentArea')) },
  { entry: 'storeOthersAsComment', on: ['survey', 'question'], property: 'storeOthersAsComment', refuses: (value) => value === false },
  {
    entry: 'nonAnswerKinds',
    on: ['question'],
    refuses: (_, node, survey) => {
      const single = SINGLE_VALUE_TYPES.has(String(node.json.type)) || (node.json.type === 'imagepicker' && node.json.multiSelect !== true);
      if (!single) return false;
      const values = choiceValuesOf(node.json, survey);
      const kinds = NON_ANSWER_CHOICES.filter((v) => values.includes(v)).length + (isTrue(node.json.showRefuseItem) ? 1 : 0) + (isTrue(node.json.showDontKnowItem) ? 1 : 0);
      const textValued = values.some((v) => typeof v === 'string' && !NON_ANSWER_CHOICES.includes(v));
      return kinds > 2 && textValued;
    },
  },
  has('showCommentArea', ['choice'], 'choiceComment'),
  has('elements', ['choice'], 'choiceComment'),
  {
    entry: 'choicesFromNowhere',
    on: ['question'],
    property: 'choicesFromQuestion',
    refuses: (value, node, survey) => {
      if (value === undefined) return false;
      const source = typeof value === 'string' ? survey.questions.get(value) : undefined;
      return !source || source === node.json || !CHOICE_TYPES.has(String(source.type)) || source.choicesFromQuestion !== undefined || !Array.isArray(source.choices);
    },
  },
  has('choiceValuesFromQuestion', ['question'], 'choiceValuesFromQuestion'),
  has('choiceTextsFromQuestion', ['question'], 'choiceValuesFromQuestion'),
  { entry: 'calculatedNamedLikeAQuestion', on: ['calculatedValue'], property: 'name', refuses: (value, _, survey) => typeof value === 'string' && survey.questions.has(value) },
  { entry: 'triggers', on: ['survey'], property: 'triggers', refuses: (value) => Array.isArray(value) ? value.length > 0 : present(value) },
  ...(['defaultValueExpression', 'setValueExpression', 'setValueIf', 'resetValueIf'] as const).map((property) => has(property, ['question', 'box'], 'valueExpressions')),
  has('bindings', ['question'], 'bindings'),
  has('choicesByUrl', ['question'], 'choicesByUrl'),
  { entry: 'allowCustomChoices', on: ['question'], property: 'allowCustomChoices', refuses: isTrue },
  { entry: 'choicesLazyLoadEnabled', on: ['question'], property: 'choicesLazyLoadEnabled', refuses: isTrue },
  has('valuePropertyName', ['question'], 'valuePropertyName'),
  has('minValueExpression', ['question', 'box'], 'limitExpressions'),
  has('maxValueExpression', ['question', 'box'], 'limitExpressions'),
  { entry: 'maskType', on: ['question', 'box'], property: 'maskType', refuses: (value) => present(value) && value !== 'none' },
  { entry: 'sliderRange', on: ['question'], property: 'sliderType', refuses: (value) => value === 'range' },
  { entry: 'selectToRank', on: ['question'], property: 'selectToRankEnabled', refuses: isTrue },
  {
    entry: 'rankingItems',
    on: ['question'],
    refuses: (_, node) => node.json.type === 'ranking' && ['showOtherItem', 'showNoneItem', 'showRefuseItem', 'showDontKnowItem'].some((flag) => isTrue(propertyOf(node.json, flag))),
  },
  { entry: 'matrixCheckboxCells', on: ['question'], property: 'cellType', refuses: (value) => value === 'checkbox' },
  ...(['imageLink', 'logo', 'backgroundImage'] as const).map(
    (property): Rule => ({ entry: 'remotePictures', on: ['survey', 'question', 'choice'], property, refuses: (value) => pictureIsRemote(value) }),
  ),
  has('navigateToUrl', ['survey'], 'navigateToUrl'),
  { entry: 'navigateToUrl', on: ['survey'], property: 'navigateToUrlOnCondition', refuses: (value) => Array.isArray(value) ? value.length > 0 : present(value) },
  has('surveyId', ['survey'], 'surveyService'),
  has('surveyPostId', ['survey'], 'surveyService'),
  { entry: 'displayOnly', on: ['survey'], property: 'mode', refuses: (value) => value === 'display' },
  { entry: 'displayOnly', on: ['survey'], property: 'readOnly', refuses: isTrue },
  { entry: 'timeLimit', on: ['survey', 'page'], property: 'timeLimit', refuses: (value) => typeof value === 'number' && value > 0 },
  { entry: 'timeLimit', on: ['survey'], property: 'timeLimitPerPage', refuses: (value) => typeof value === 'number' && value > 0 },
  { entry: 'clearInvisibleNone', on: ['survey'], property: 'clearInvisibleValues', refuses: (value) => value === 'none' },
  { entry: 'clearInvisibleNone', on: ['question'], property: 'clearIfInvisible', refuses: (value) => value === 'none' },
];

/** What Pont cannot run in a survey, each with the JSON path of what to change and why. */
export function supportProblems(survey: Record<string, unknown>, path = 'survey'): SupportProblem[] {
  const nodes = surveyNodes(survey, path);
  const questions = new Map(nodes.filter((n) => n.kind === 'question' && typeof n.json.name === 'string').map((n) => [n.json.name as string, n.json]));
  const index: SurveyIndex = { questions };
  const problems: SupportProblem[] = [];
  for (const node of nodes) {
    for (const rule of RULES) {
      if (!rule.on.includes(node.kind)) continue;
      const value = rule.property ? propertyOf(node.json, rule.property) : undefined;
      if (!rule.refuses(value, node, index)) continue;
      const entry = entryOf(rule.entry);
      problems.push({ path: rule.property ? `${node.path}.${rule.property}` : node.path, message: `Pont cannot run ${entry.name}: ${entry.detail}`, entry: rule.entry });
    }
  }
  return problems;
}

export function entryOf(id: SupportEntryId): SupportEntry {
  return (QUESTION_TYPES as Record<string, SupportEntry>)[id] ?? (PROPERTIES as Record<string, SupportEntry>)[id]!;
}

/** The values a choice question's JSON offers, its special items included (for the non-answer rule). */
function choiceValuesOf(question: Record<string, unknown>, survey: SurveyIndex): unknown[] {
  const from = typeof question.choicesFromQuestion === 'string' ? survey.questions.get(question.choicesFromQuestion) : undefined;
  const choices = Array.isArray((from ?? question).choices) ? ((from ?? question).choices as unknown[]) : [];
  return choices.map((choice) => (isObject(choice) ? choice.value : choice));
}

function pictureIsRemote(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return false;
  // A localised picture ({ "en": …, "cy": … }) is checked in each language.
  const pictures = isObject(value) ? Object.values(value) : [value];
  return pictures.some((picture) => typeof picture !== 'string' || !EMBEDDED_PICTURE.test(picture));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

// ---- the README's table ----------------------------------------------------------------------

/** The coverage table, as the README shows it between its markers. */
export function supportTableMarkdown(): string {
  const rows = (entries: Record<string, SupportEntry>) =>
    Object.values(entries).map((entry) => `| ${entry.name} | ${entry.verdict} | ${entry.detail.replace(/\|/g, '\\|')} |`);
  return [
    '| question type | in Pont | answers checked, and the export |',
    '| --- | --- | --- |',
    ...rows(QUESTION_TYPES),
    '',
    '| property | in Pont | what happens |',
    '| --- | --- | --- |',
    ...rows(PROPERTIES),
  ].join('\n');
}
