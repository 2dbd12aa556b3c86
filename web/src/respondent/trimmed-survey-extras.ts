/**
 * The chunk loadTrimmedSurveyStyles loads: survey-core's rules and
 * survey-react-ui's icons that the build set aside (web/build/survey-trim-plugin.ts).
 */
import 'virtual:pont/survey-trimmed.css';

export { default as trimmedIcons } from 'virtual:pont/survey-trimmed-icons';
