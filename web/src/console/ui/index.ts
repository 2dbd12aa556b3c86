/**
 * The console's shared pieces. Pages and sections import these from here,
 * never from one another: a page file is only ever imported to be shown.
 */
export { formatDateTime } from './format';
export { splitList } from './forms';
export { PageLink } from './PageLink';
export { INSTRUMENTS_PATH, PEOPLE_PATH, STUDIES_PATH, exportsPath, membersPath, sroiPath, studyPath, wavePath } from './paths';
export { ProblemBox, formProblem, toProblem, type Problem } from './problem';
export { SessionProvider, useSession, type ConsoleSession, type Explain } from './session';
export { groupLabel, windowText, type Study, type Wave } from './study';
export { useAction, type Action, type RunOptions } from './useAction';
export { useLoad, type Load } from './useLoad';
export { Pager, usePages, type Pages } from './paging';
