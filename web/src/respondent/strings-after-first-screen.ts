/**
 * The strings the respondent sees after the first screen: while answering and
 * on the closing pages, in English and Welsh. They load with the survey
 * chunk, so the first screen on a slow phone doesn't carry them.
 *
 * DRAFT WELSH: as in ../i18n.ts, the `cy` strings MUST be reviewed by a Welsh
 * translator before any participant sees them.
 */
import { firstScreenStrings, translator, type Lang, type StringKey } from '../i18n';

const en = {
  partOf: 'Part {n} of {total}',
  nextPart: 'Next part',
  saving: 'Saving…',
  saved: 'Saved',
  saveFailed: "Couldn't save, we'll try again",
  savedOnPhone: "Saved on this phone – we'll send it when you're back online",
  fixTheseTitle: 'Nearly there. Please check these answers:',
  sendFailed: "We couldn't send your answers. Check your signal or Wi-Fi, then press the button again. Your answers are still here.",
  thanksTitle: 'Thank you!',
  thanksBody: "Your answers have been saved. You can close this page now. We really appreciate your time.",
  alreadyDoneTitle: 'All done',
  alreadyDoneBody: "You've already finished this part. Thank you!",
  declinedTitle: 'Thanks for letting us know',
  declinedBody: "That's fine. Thank you for your time. Nothing you've told us has been saved.",
  declinedChangeMind: 'If you change your mind, talk to the person who sent you this link.',
  supportTitle: 'If you want to talk to someone',
  supportCall: 'Call {phone}',
  supportWebsite: 'Visit their website',
  checkInTitle: 'Would you like someone to get in touch?',
  checkInBody: "We'll let the study team know you'd like a chat. They will get in touch with you, or ask your personal adviser to if you have one. None of your answers are shared.",
  checkInButton: 'Yes, please get in touch with me',
  checkInDone: 'Thanks – the study team has your message. Someone will get in touch with you.',
  checkInFailed: "We couldn't send that. Check your signal or Wi-Fi, then try again.",
  queuedHint: "If you close this page, just open your link again when you're online and we'll send them then.",
  sentNow: 'Your answers have been sent.',
  whatNextTitle: 'What happens next',
  whatNextNotRead:
    "Nobody reads your answers straight away, including anything you wrote in your own words. So this is not the way to ask for help: if you need help now, use the contacts below, or ask for someone to get in touch.",
  whatNextWho: "“We” are the study's research team. The people who support you, like your personal adviser, don't see your answers.",
  whatNextTakeBack: "If you change your mind about your answers, tell the person who sent you this link. We will take them out, and you don't have to say why.",
  answerNotAccepted: "This answer couldn't be saved as it is. Please change it, or leave it blank.",
  answersNotAccepted: "Your answers couldn't be saved as they are. Please check them and try again.",
};

export type LaterStringKey = keyof typeof en;

// DRAFT – needs review by a Welsh translator.
const cy: Record<LaterStringKey, string> = {
  partOf: 'Rhan {n} o {total}',
  nextPart: 'Rhan nesaf',
  saving: "Wrthi'n cadw…",
  saved: "Wedi'i gadw",
  saveFailed: "Methu cadw, byddwn ni'n trio eto",
  savedOnPhone: "Wedi'i gadw ar y ffôn hwn – byddwn ni'n ei anfon pan fyddwch chi ar-lein eto",
  fixTheseTitle: 'Bron â gorffen. Edrychwch ar yr atebion hyn eto:',
  sendFailed: 'Doedden ni ddim yn gallu anfon eich atebion. Gwiriwch fod gennych chi signal neu Wi-Fi, yna pwyswch y botwm eto. Mae eich atebion yn dal yma.',
  thanksTitle: 'Diolch!',
  thanksBody: "Mae eich atebion wedi'u cadw. Gallwch chi gau'r dudalen hon nawr. Rydyn ni'n gwerthfawrogi eich amser yn fawr.",
  alreadyDoneTitle: 'Wedi gorffen',
  alreadyDoneBody: 'Rydych chi eisoes wedi gorffen y rhan hon. Diolch!',
  declinedTitle: 'Diolch am roi gwybod i ni',
  declinedBody: "Mae hynny'n iawn. Diolch am eich amser. Does dim byd rydych chi wedi'i ddweud wrthon ni wedi cael ei gadw.",
  declinedChangeMind: "Os byddwch chi'n newid eich meddwl, siaradwch â'r person a anfonodd y ddolen hon atoch chi.",
  supportTitle: 'Os hoffech chi siarad â rhywun',
  supportCall: 'Ffoniwch {phone}',
  supportWebsite: "Ewch i'w gwefan",
  checkInTitle: 'Hoffech chi i rywun gysylltu â chi?',
  checkInBody: "Byddwn ni'n rhoi gwybod i dîm yr astudiaeth yr hoffech chi sgwrs. Bydd y tîm yn cysylltu â chi, neu'n gofyn i'ch ymgynghorydd personol wneud hynny os oes gennych chi un. Dydy hyn ddim yn rhannu dim un o'ch atebion.",
  checkInButton: 'Hoffwn, cysylltwch â fi os gwelwch yn dda',
  checkInDone: "Diolch – mae'r neges gan dîm yr astudiaeth. Bydd rhywun yn cysylltu â chi.",
  checkInFailed: 'Doedden ni ddim yn gallu anfon hynny. Gwiriwch fod gennych chi signal neu Wi-Fi, yna triwch eto.',
  queuedHint: "Os byddwch chi'n cau'r dudalen hon, agorwch eich dolen eto pan fyddwch chi ar-lein a byddwn ni'n eu hanfon nhw bryd hynny.",
  sentNow: "Mae eich atebion wedi'u hanfon.",
  whatNextTitle: "Beth sy'n digwydd nesaf",
  whatNextNotRead:
    "Does neb yn darllen eich atebion yn syth, gan gynnwys unrhyw beth rydych chi wedi'i ysgrifennu yn eich geiriau eich hun. Felly nid dyma'r ffordd i ofyn am help: os oes angen help arnoch chi nawr, defnyddiwch y cysylltiadau isod, neu gofynnwch i rywun gysylltu â chi.",
  whatNextWho: "“Ni” yw tîm ymchwil yr astudiaeth. Dydy'r bobl sy'n eich cefnogi chi, fel eich ymgynghorydd personol, ddim yn gweld eich atebion.",
  whatNextTakeBack: "Os byddwch chi'n newid eich meddwl am eich atebion, dywedwch wrth y person a anfonodd y ddolen hon atoch chi. Byddwn ni'n eu tynnu nhw allan, a does dim rhaid i chi ddweud pam.",
  answerNotAccepted: "Doedd dim modd cadw'r ateb hwn fel y mae. Newidiwch e, neu gadewch e'n wag.",
  answersNotAccepted: 'Doedd dim modd cadw eich atebion fel y maen nhw. Edrychwch arnyn nhw eto a rhowch gynnig arall arni.',
};

/** Exported for the wording tests; the page reads them through `t`. */
export const laterStrings: Record<Lang, Record<LaterStringKey, string>> = { en, cy };

/** Every respondent string: the first screen's and these. */
export const t = translator<StringKey | LaterStringKey>({
  en: { ...firstScreenStrings.en, ...laterStrings.en },
  cy: { ...firstScreenStrings.cy, ...laterStrings.cy },
});
