/**
 * Every string the respondent sees, in English and Welsh.
 *
 * DRAFT WELSH: the `cy` strings below were drafted without a translator and
 * MUST be reviewed by a Welsh translator before any participant sees them.
 * (SurveyJS's own button texts come from survey-core/i18n/welsh; instrument
 * wording comes from the instrument JSON, not from here.)
 *
 * Tone: plain, warm, short sentences, for 16–25-year-olds. No jargon.
 */
import type { Language } from '../../functions/contracts/common.js';

export type Lang = Language;

const en = {
  languageLabel: 'Language',
  loading: 'Loading…',
  introLead: 'Thanks for taking part. You can stop at any time and come back to this link later. We save your answers as you go.',
  introOpenUntil: 'Open until {date}',
  start: 'Start',
  carryOn: 'Carry on',
  partOf: 'Part {n} of {total}',
  saving: 'Saving…',
  saved: 'Saved',
  saveFailed: "Couldn't save, we'll try again",
  savedOnPhone: "Saved on this phone – we'll send it when you're back online",
  sending: 'Sending your answers…',
  fixTheseTitle: 'Nearly there. Please check these answers:',
  sendFailed: "We couldn't send your answers. Check your signal or Wi-Fi, then press the button again. Your answers are still here.",
  thanksTitle: 'Thank you!',
  thanksBody: "Your answers have been saved. You can close this page now. We really appreciate your time.",
  alreadyDoneTitle: 'All done',
  alreadyDoneBody: "You've already finished this part. Thank you!",
  notValidTitle: "This link isn't working",
  notValidBody: 'This link is not valid. Check you copied the whole link, or ask the person who sent it for a new one.',
  notOpenTitle: 'Not open yet',
  notOpenBody: "This part isn't open yet. Please come back later. The person who sent you the link can tell you when it opens.",
  closedTitle: 'This part has closed',
  closedBody: "This part has now closed, so it can't be filled in any more. Thanks for your interest. If you think this is a mistake, contact the person who sent you the link.",
  networkTitle: "We can't connect",
  networkBody: 'Check you have signal or Wi-Fi, then try again.',
  serverTitle: 'Something went wrong',
  serverBody: "It's not your fault. Please try again in a few minutes.",
  retry: 'Try again',
  landingBody: 'This link is for people taking part in a study. If you are taking part, please use the personal link you were sent.',
  landingResearchers: 'Researchers go to',
  quickExit: 'Quick exit',
  quickExitHint: 'Leave this page straight away (or press Esc twice)',
  consentTitle: 'Before you start',
  consentYes: 'Yes, I agree',
  consentNo: 'No thanks',
  consentFailed: "We couldn't save your answer. Check your signal or Wi-Fi, then try again.",
  consentChanged: 'The information about the study has changed since you last looked. Please have another read.',
  declinedTitle: 'Thanks for letting us know',
  declinedBody: "That's fine. Thank you for your time. Nothing you've told us has been saved.",
  declinedChangeMind: 'If you change your mind, talk to the person who sent you this link.',
  supportTitle: 'If you want to talk to someone',
  supportCall: 'Call {phone}',
  supportWebsite: 'Visit their website',
  checkInTitle: 'Would you like a check-in?',
  checkInBody: "We can ask your worker to get in touch with you. This doesn't share any of your answers – it just lets the team know you'd like a chat.",
  checkInButton: "I'd like my worker to check in with me",
  checkInDone: 'Done – someone from the team will be in touch',
  checkInFailed: "We couldn't send that. Check your signal or Wi-Fi, then try again.",
  queuedBody: "Your answers are saved on this phone and will be sent when you're online",
  queuedHint: "If you close this page, just open your link again when you're online and we'll send them then.",
  sentNow: 'Your answers have been sent.',
  tooManyTitle: 'Please wait a little while',
  tooManyBody: "This phone has tried some links that didn't work. Please wait 15 minutes, then try your link again.",
};

export type StringKey = keyof typeof en;

// DRAFT – needs review by a Welsh translator (see note at the top of the file).
const cy: Record<StringKey, string> = {
  languageLabel: 'Iaith',
  loading: 'Wrthi’n llwytho…',
  introLead: 'Diolch am gymryd rhan. Gallwch chi stopio unrhyw bryd a dod yn ôl at y ddolen hon wedyn. Rydyn ni’n cadw eich atebion wrth i chi fynd.',
  introOpenUntil: 'Ar agor tan {date}',
  start: 'Dechrau',
  carryOn: 'Parhau',
  partOf: 'Rhan {n} o {total}',
  saving: 'Wrthi’n cadw…',
  saved: 'Wedi’i gadw',
  saveFailed: 'Methu cadw, byddwn ni’n trio eto',
  savedOnPhone: 'Wedi’i gadw ar y ffôn hwn – byddwn ni’n ei anfon pan fyddwch chi ar-lein eto',
  sending: 'Wrthi’n anfon eich atebion…',
  fixTheseTitle: 'Bron â gorffen. Edrychwch ar yr atebion hyn eto:',
  sendFailed: 'Doedden ni ddim yn gallu anfon eich atebion. Gwiriwch fod gennych chi signal neu Wi-Fi, yna pwyswch y botwm eto. Mae eich atebion yn dal yma.',
  thanksTitle: 'Diolch!',
  thanksBody: 'Mae eich atebion wedi’u cadw. Gallwch chi gau’r dudalen hon nawr. Rydyn ni’n gwerthfawrogi eich amser yn fawr.',
  alreadyDoneTitle: 'Wedi gorffen',
  alreadyDoneBody: 'Rydych chi eisoes wedi gorffen y rhan hon. Diolch!',
  notValidTitle: 'Dydy’r ddolen hon ddim yn gweithio',
  notValidBody: 'Dydy’r ddolen hon ddim yn ddilys. Gwiriwch eich bod chi wedi copïo’r ddolen gyfan, neu gofynnwch i’r person a’i hanfonodd am un newydd.',
  notOpenTitle: 'Ddim ar agor eto',
  notOpenBody: 'Dydy’r rhan hon ddim ar agor eto. Dewch yn ôl nes ymlaen. Gall y person a anfonodd y ddolen ddweud wrthych chi pryd bydd yn agor.',
  closedTitle: 'Mae’r rhan hon wedi cau',
  closedBody: 'Mae’r rhan hon wedi cau erbyn hyn, felly does dim modd ei llenwi rhagor. Diolch am eich diddordeb. Os ydych chi’n meddwl bod hyn yn gamgymeriad, cysylltwch â’r person a anfonodd y ddolen.',
  networkTitle: 'Dydyn ni ddim yn gallu cysylltu',
  networkBody: 'Gwiriwch fod gennych chi signal neu Wi-Fi, yna triwch eto.',
  serverTitle: 'Aeth rhywbeth o’i le',
  serverBody: 'Nid eich bai chi yw hyn. Triwch eto mewn ychydig funudau.',
  retry: 'Trio eto',
  landingBody: 'Mae’r ddolen hon ar gyfer pobl sy’n cymryd rhan mewn astudiaeth. Os ydych chi’n cymryd rhan, defnyddiwch y ddolen bersonol a anfonwyd atoch chi.',
  landingResearchers: 'Ymchwilwyr, ewch i',
  quickExit: 'Gadael yn gyflym',
  quickExitHint: 'Gadael y dudalen hon ar unwaith (neu pwyswch Esc ddwywaith)',
  consentTitle: 'Cyn i chi ddechrau',
  consentYes: 'Ydw, rwy’n cytuno',
  consentNo: 'Dim diolch',
  consentFailed: 'Doedden ni ddim yn gallu cadw eich ateb. Gwiriwch fod gennych chi signal neu Wi-Fi, yna triwch eto.',
  consentChanged: 'Mae’r wybodaeth am yr astudiaeth wedi newid ers i chi edrych ddiwethaf. Darllenwch hi eto, os gwelwch yn dda.',
  declinedTitle: 'Diolch am roi gwybod i ni',
  declinedBody: 'Mae hynny’n iawn. Diolch am eich amser. Does dim byd rydych chi wedi’i ddweud wrthon ni wedi cael ei gadw.',
  declinedChangeMind: 'Os byddwch chi’n newid eich meddwl, siaradwch â’r person a anfonodd y ddolen hon atoch chi.',
  supportTitle: 'Os hoffech chi siarad â rhywun',
  supportCall: 'Ffoniwch {phone}',
  supportWebsite: 'Ewch i’w gwefan',
  checkInTitle: 'Hoffech chi i rywun gysylltu â chi?',
  checkInBody: 'Gallwn ni ofyn i’ch gweithiwr gysylltu â chi. Dydy hyn ddim yn rhannu dim un o’ch atebion – mae’n rhoi gwybod i’r tîm yr hoffech chi sgwrs, dyna i gyd.',
  checkInButton: 'Hoffwn i fy ngweithiwr gysylltu â fi',
  checkInDone: 'Wedi’i wneud – bydd rhywun o’r tîm yn cysylltu â chi',
  checkInFailed: 'Doedden ni ddim yn gallu anfon hynny. Gwiriwch fod gennych chi signal neu Wi-Fi, yna triwch eto.',
  queuedBody: 'Mae eich atebion wedi’u cadw ar y ffôn hwn a byddan nhw’n cael eu hanfon pan fyddwch chi ar-lein',
  queuedHint: 'Os byddwch chi’n cau’r dudalen hon, agorwch eich dolen eto pan fyddwch chi ar-lein a byddwn ni’n eu hanfon nhw bryd hynny.',
  sentNow: 'Mae eich atebion wedi’u hanfon.',
  tooManyTitle: 'Arhoswch ychydig, os gwelwch yn dda',
  tooManyBody: 'Mae’r ffôn hwn wedi trio rhai dolenni oedd ddim yn gweithio. Arhoswch 15 munud, yna triwch eich dolen eto.',
};

const strings: Record<Lang, Record<StringKey, string>> = { en, cy };

/** Look up a string, filling `{name}` placeholders from `vars`. */
export function t(lang: Lang, key: StringKey, vars?: Record<string, string | number>): string {
  const text = strings[lang][key];
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (match, name: string) => (name in vars ? String(vars[name]) : match));
}

/** Names of the languages, each written in itself, for the language switch. */
export const languageNames: Record<Lang, string> = { en: 'English', cy: 'Cymraeg' };

const months: Record<Lang, string[]> = {
  en: ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'],
  // DRAFT – translator to confirm.
  cy: ['Ionawr', 'Chwefror', 'Mawrth', 'Ebrill', 'Mai', 'Mehefin', 'Gorffennaf', 'Awst', 'Medi', 'Hydref', 'Tachwedd', 'Rhagfyr'],
};

/**
 * A date such as "3 March 2026" / "3 Mawrth 2026", in the device's time zone.
 * Written out by hand: some browsers ship without Welsh locale data and Intl
 * then silently falls back to American English (seen in Debian's Chromium).
 */
export function formatDate(lang: Lang, iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return `${date.getDate()} ${months[lang][date.getMonth()]} ${date.getFullYear()}`;
}
