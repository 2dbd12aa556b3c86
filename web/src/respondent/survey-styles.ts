/**
 * Which part of survey-core's stylesheet (and survey-react-ui's icons) the
 * respondent page ships up front.
 *
 * survey-core.fontless.css styles every question type SurveyJS has, and
 * Survey Creator besides (29 KB brotli); survey-react-ui draws all its icons
 * into every page (11 KB). The build (web/build/survey-trim-plugin.ts) takes
 * out the rules that need a class listed here, and the icons listed here, and
 * keeps them in a chunk of their own that a survey loads only when it needs
 * it (trimmed-survey-styles.ts): an instrument with a question type not in
 * SHIPPED_QUESTION_TYPES or a panel (known from the model before the first
 * render), or one that turns on a survey feature of FEATURE_BLOCKS (noticed
 * when survey-core draws it).
 *
 * A selector needs a class when it names it outside :not(), :is(), :has()…
 * (web/build/css-tree.ts requiredClasses), so a rule taken out matches
 * nothing on a page where none of these classes is drawn: the page looks
 * exactly as with the whole stylesheet. tests/browser/respondent-journey.test.ts
 * checks that on every shipped question type (computed styles compared with
 * the whole stylesheet's, phone and desktop); tests/unit/web-survey-styles.test.ts
 * checks that each class and icon belongs, in survey-core, to a type or
 * feature not shipped.
 *
 * Shipping another question type: add it to SHIPPED_QUESTION_TYPES and run
 * that unit test; it names the classes and icons to take off these lists.
 */

/** The question types of the shipped instruments, and the ones the page is built for. */
export const SHIPPED_QUESTION_TYPES: ReadonlySet<string> = new Set([
  'radiogroup',
  'rating',
  'dropdown',
  'comment',
  'text',
  'html',
  'checkbox',
  'boolean',
  'matrix',
]);

/**
 * BEM blocks (a class up to its first `__` or `--`) that only question types
 * we don't ship, or panels, draw.
 */
export const QUESTION_BLOCKS: ReadonlySet<string> = new Set([
  // Panels and dynamic panels (and their tabs and add/remove animations).
  'sd-panel',
  'sd-paneldynamic',
  'sd-tab-item',
  'sd-tabs-toolbar',
  'sv-pd-animation-adding',
  'sv-pd-animation-removing',
  'sv-pd-animation-left',
  'sv-pd-animation-right',
  // Multiple text boxes, images and image pickers, image maps.
  'sd-multipletext',
  'sd-image',
  'sd-imagepicker',
  'sd-imagemap',
  'sd-imagemap-bg',
  'sd-imagemap-control-point',
  'sd-imagemap-svg',
  'sd-imagemap-svg-item',
  // Dynamic matrices and matrices of drop-downs (rows added, dragged, detail panels).
  'sd-matrixdropdown',
  'sd-matrixdynamic',
  'sd-drag-element',
  'sv-matrixdynamic',
  'sv-matrixdynamic-dragged-row',
  'sv-matrix-row',
  // Sliders, expressions, file upload, signature pad.
  'sd-slider',
  'sd-slider-container',
  'sd-slider-labels-container',
  'sd-expression',
  'sd-file',
  'sd-signaturepad',
  'sjs_sp',
  'sjs_sp_canvas',
  'sjs_sp_container',
  'sjs_sp_controls',
  'sjs_sp_placeholder',
  // Ranking and dragging choices.
  'sd-ranking',
  'sd-ranking-item',
  'sv-ranking',
  'sv-ranking-item',
  'sv-ranking-shortcut',
  'sv-dragdrop-movedown',
  'sv-dragdrop-moveup',
  'sv-drag-drop-choices-shortcut',
  'sv-drag-drop-image-picker-shortcut',
  'sv-dragged-element-shortcut',
  // Button groups, tag boxes (and their multi-select list), composite (custom) questions.
  'sv-button-group',
  'sd-tagbox',
  'sd-tagbox-item',
  'sv-multi-select-list',
  'sd-composite',
]);

/** Single classes of blocks we keep, which only question types we don't ship, or panels, draw. */
export const QUESTION_CLASSES: ReadonlySet<string> = new Set([
  // Tables of dynamic matrices and matrices of drop-downs (a plain matrix uses the rest of sd-table).
  'sd-table__cell--actions',
  'sd-table__cell--detail-panel',
  'sd-table__cell--drag',
  'sd-table__cell--empty',
  'sd-table__cell--error',
  'sd-table__cell--error-bottom',
  'sd-table__cell--error-top',
  'sd-table__cell--footer',
  'sd-table__cell--footer-total',
  'sd-table__cell--item',
  'sd-table__cell--vertical',
  'sd-table__question-wrapper',
  'sd-table__responsive-title',
  'sd-table__row--detail',
  'sd-table__row--enter',
  'sd-table__row--expanded',
  'sd-table__row--has-end-actions',
  'sd-table__row--leave',
  'sd-matrix__question-wrapper',
  // Questions of those types, and questions inside panels.
  'sd-question--scroll',
  'sd-question__placeholder',
  'sd-question--paneldynamic',
  'sd-question--image',
  'sd-question--signature',
  'sd-question__content--multipletext',
  'sd-question--nested',
  'sd-element--nested',
  'sd-row__panel',
]);

/**
 * BEM blocks of survey features the respondent page doesn't turn on, which an
 * instrument's JSON could: the popup survey window, the timer, page buttons
 * and table of contents for navigation, "save data" notices, completed pages
 * (the app shows its own thank-you page), one-input-per-page summaries and
 * breadcrumbs, the survey's own header (logo, background image: the page shows
 * the instrument's title itself), SurveyJS's "powered by" notice; and Survey
 * Creator's own (editing texts in place, its toolbar).
 */
export const FEATURE_BLOCKS: ReadonlySet<string> = new Set([
  'sv_window',
  'sv_window_button',
  'sv_window_buttons_container',
  'sv_window_content',
  'sv_window_header',
  'sv_window_header_title_collapsed',
  'sv_window_root-content',
  'sd-timer',
  'sd-progress-buttons',
  'sv_progress-toc',
  'sv-save-data_root',
  'sv-save-data_button',
  'sv-save-data_error',
  'sv-save-data_success',
  'sd-completedpage',
  'sd-completed-before-page',
  'sd-summary',
  'sd-summary-row',
  'sd-summary-row-action',
  'sd-breadcrumbs',
  'sd-breadcrumbs-item',
  'sd-breadcrumbs-separator',
  'sv-header',
  'sd-header',
  'sd-logo',
  'sv-logo',
  'sd-root_background-image',
  'sv-brand-info',
  'sv-string-editor',
  'svc-toolbar',
]);

/**
 * survey-react-ui's icons that only those types and features use: file upload
 * and camera, signature pad, images and image pickers, dynamic matrix rows
 * (add, delete, drag, details), ranking, the popup survey window, the timer,
 * the table of contents, one-input-per-page summaries and breadcrumbs,
 * progress buttons; and the old "modern" theme's, which survey-core 3 no
 * longer names.
 */
export const TRIMMED_ICONS: ReadonlySet<string> = new Set([
  'camera-24x24',
  'camera-32x32',
  'file-72x72',
  'flip-24x24',
  'folder-24x24',
  'removefile',
  'close-16x16',
  'clear-24x24',
  'arrowleft-16x16',
  'arrowright-16x16',
  'image-48x48',
  'noimage-48x48',
  'check-24x24',
  'add-24x24',
  'delete-16x16',
  'delete-24x24',
  'drag-24x24',
  'collapsedetails-16x16',
  'expanddetails-16x16',
  'draghorizontal-24x16',
  'ranking-arrows',
  'rankingundefined-16x16',
  'reorder-24x24',
  'fullsize-16x16',
  'maximize-16x16',
  'minimize-16x16',
  'restoredown-16x16',
  'timercircle',
  'navmenu-24x24',
  'editsmall-16x16',
  'progressbutton',
  'modernbooleancheckchecked',
  'modernbooleancheckind',
  'modernbooleancheckunchecked',
  'moderncheck',
  'modernradio',
]);

/** `sd-file__page--active` → `sd-file`. */
export const blockOf = (className: string) => className.replace(/(__|--).*$/, '');

/** Whether the build set aside the rules that need this class. */
export function isTrimmedClass(className: string): boolean {
  const block = blockOf(className);
  return QUESTION_BLOCKS.has(block) || FEATURE_BLOCKS.has(block) || QUESTION_CLASSES.has(className);
}

/** Whether the element carries a class of a survey feature in FEATURE_BLOCKS. */
export const hasFeatureClass = (element: Element) => [...element.classList].some((name) => FEATURE_BLOCKS.has(blockOf(name)));

/** Whether `root`, or anything in it, carries a class of a survey feature in FEATURE_BLOCKS. */
export function drawsTrimmedFeature(root: Element): boolean {
  return hasFeatureClass(root) || [...root.querySelectorAll('[class]')].some(hasFeatureClass);
}
