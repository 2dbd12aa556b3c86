/**
 * Study designs for export tests, built from the shipped instruments: a
 * baseline and two follow-ups, the second pinning a changed version of the
 * care-leaver engagement questionnaire (one item removed, one added).
 */
import { readFileSync } from 'node:fs';
import { fileOfReference } from '../../cli/instrument-files.js';
import type { ParticipantAttribute } from '../../functions/contracts/studies.js';
import { checkInstrument, loadInstrumentText } from '../../functions/domain/instrument-check.js';
import type { InstrumentFile, InstrumentVersion } from '../../functions/domain/instrument.js';
import type { StudyDesign } from '../../functions/domain/export/variables.js';
import { testInstrumentFile } from './instrument-file.js';

/** A shipped instrument, checked as publishing checks it. `ons4@1.0.0`. */
export function shippedInstrument(reference: string): InstrumentVersion {
  return loadInstrumentText(readFileSync(fileOfReference(reference), 'utf8'), reference);
}

/** Checks an instrument made in a test as publishing would, so a fixture cannot drift into an invalid one. */
export function checkedInstrument(file: InstrumentFile): InstrumentVersion {
  const check = checkInstrument(file);
  if (!check.ok) throw new Error(`${file.id}@${file.version} is not a valid instrument:\n${check.problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}`);
  return check.instrument;
}

export const REMOVED_ENGAGEMENT_ITEM = 'cle_get_replies';
export const ADDED_ENGAGEMENT_ITEM = 'cle_peer_support';

/**
 * care-leaver-engagement 0.2.0: 0.1.0 without "When I contact services, they
 * get back to me" (also dropped from the enablers scale, which therefore no
 * longer compares with 0.1.0) and with a new item on peer support.
 */
export function changedEngagementVersion(): InstrumentVersion {
  const base = shippedInstrument('care-leaver-engagement@0.1.0');
  const { contentHash: _hash, ...file } = structuredClone(base);
  const pages = file.survey.pages as { elements: Record<string, unknown>[] }[];
  const page = pages.find((p) => p.elements.some((e) => e.name === REMOVED_ENGAGEMENT_ITEM))!;
  const removedAt = page.elements.findIndex((e) => e.name === REMOVED_ENGAGEMENT_ITEM);
  const template = page.elements[removedAt]!;
  page.elements.splice(removedAt, 1);
  page.elements.splice(removedAt, 0, {
    ...structuredClone(template),
    name: ADDED_ENGAGEMENT_ITEM,
    title: { en: 'I know other care leavers I can talk to.', cy: "Rwy'n adnabod pobl eraill sydd wedi gadael gofal y gallaf siarad â nhw." },
  });
  const scales = file.scales!.map((scale) =>
    scale.id === 'enablers' ? { ...scale, items: scale.items.map((item) => (item === REMOVED_ENGAGEMENT_ITEM ? ADDED_ENGAGEMENT_ITEM : item)) } : scale,
  );
  return checkedInstrument({ ...file, version: '0.2.0', scales });
}

export const EXPORT_ATTRIBUTES: ParticipantAttribute[] = [
  {
    id: 'local_authority',
    label: { en: 'Local authority', cy: 'Awdurdod lleol' },
    quasiIdentifier: true,
    values: [
      { value: 'conwy', label: { en: 'Conwy', cy: 'Conwy' } },
      { value: 'gwynedd', label: { en: 'Gwynedd', cy: 'Gwynedd' } },
      { value: 'isle_of_anglesey', label: { en: 'Isle of Anglesey', cy: 'Ynys Môn' } },
    ],
  },
  {
    id: 'placement_type',
    label: { en: 'Placement type', cy: 'Math o leoliad' },
    quasiIdentifier: true,
    values: [
      { value: 'foster_care', label: { en: 'Foster care', cy: 'Gofal maeth' } },
      { value: 'supported_housing', label: { en: 'Supported housing', cy: 'Tŷ â chymorth' } },
      { value: 'own_tenancy', label: { en: 'Own tenancy', cy: 'Tenantiaeth eich hun' } },
    ],
  },
  {
    id: 'cohort',
    label: { en: 'Cohort', cy: 'Carfan' },
    quasiIdentifier: false,
    notQuasiIdentifierBecause: 'every participant of a cohort started in the same season; it picks out nobody',
    values: [
      { value: 'spring', label: { en: 'Spring', cy: 'Gwanwyn' } },
      { value: 'autumn', label: { en: 'Autumn', cy: 'Hydref' } },
    ],
  },
];

/**
 * Baseline: context, ons4, swemwbs, care-leaver-engagement 0.1.0.
 * Follow-up 1: ons4, swemwbs, care-leaver-engagement 0.1.0.
 * Follow-up 2: ons4, swemwbs, care-leaver-engagement 0.2.0.
 */
export function exportStudyDesign(): StudyDesign {
  const context = shippedInstrument('context@1.0.0');
  const ons4 = shippedInstrument('ons4@1.0.0');
  const swemwbs = shippedInstrument('swemwbs@1.0.0');
  const engagement = shippedInstrument('care-leaver-engagement@0.1.0');
  return {
    studyId: 'pathways',
    title: { en: 'Pathways', cy: 'Llwybrau' },
    attributes: EXPORT_ATTRIBUTES,
    waves: [
      { waveId: 'baseline', ordinal: 0, name: { en: 'Baseline', cy: 'Llinell sylfaen' }, instruments: [context, ons4, swemwbs, engagement] },
      { waveId: 'six-months', ordinal: 1, name: { en: 'Six months', cy: 'Chwe mis' }, instruments: [ons4, swemwbs, engagement] },
      { waveId: 'twelve-months', ordinal: 2, name: { en: 'Twelve months', cy: 'Deuddeg mis' }, instruments: [ons4, swemwbs, changedEngagementVersion()] },
    ],
  };
}

/**
 * An instrument with every question layout the export codes: a panel, a
 * matrix, a checkbox, a boolean, a number input, string-coded choices, a
 * rating with its own values, free text and an html element.
 */
export function layoutsInstrument(): InstrumentVersion {
  const yesNo = [
    { value: 'yes', text: { en: 'Yes', cy: 'Ydw' } },
    { value: 'no', text: { en: 'No', cy: 'Nac ydw' } },
    { value: 'prefer_not_to_say', text: { en: 'Prefer not to say', cy: "Mae'n well gen i beidio â dweud" } },
  ];
  return checkedInstrument(testInstrumentFile({
    id: 'layouts-check',
    title: { en: 'Layouts', cy: 'Cynlluniau' },
    description: { en: 'Every question layout', cy: 'Pob cynllun cwestiwn' },
    survey: {
      pages: [
        {
          name: 'one',
          elements: [
            { type: 'html', name: 'lc_intro', html: { en: '<p>Hello</p>', cy: '<p>Helo</p>' } },
            {
              type: 'panel',
              name: 'lc_panel',
              elements: [
                { type: 'radiogroup', name: 'lc_has_adviser', title: { en: 'Do you have a personal adviser?', cy: 'Oes gennych chi gynghorydd personol?' }, choices: yesNo },
                { type: 'text', name: 'lc_weeks', inputType: 'number', title: { en: 'Weeks since you heard from them', cy: 'Wythnosau ers i chi glywed ganddyn nhw' } },
              ],
            },
            {
              type: 'matrix',
              name: 'lc_support',
              title: { en: 'How much support do you get?', cy: 'Faint o gymorth ydych chi’n ei gael?' },
              rows: [
                { value: 'housing', text: { en: 'Housing', cy: 'Tai' } },
                { value: 'money', text: { en: 'Money', cy: 'Arian' } },
              ],
              columns: [
                { value: 1, text: { en: 'None', cy: 'Dim' } },
                { value: 2, text: { en: 'Some', cy: 'Peth' } },
                { value: 3, text: { en: 'A lot', cy: 'Llawer' } },
                { value: 'not_applicable', text: { en: 'Not applicable', cy: 'Ddim yn berthnasol' } },
              ],
            },
            {
              type: 'checkbox',
              name: 'lc_services',
              title: { en: 'Which services have you used?', cy: 'Pa wasanaethau ydych chi wedi’u defnyddio?' },
              choices: [
                { value: 'housing', text: { en: 'Housing', cy: 'Tai' } },
                { value: 'health', text: { en: 'Health', cy: 'Iechyd' } },
                { value: 'education', text: { en: 'Education', cy: 'Addysg' } },
              ],
            },
            { type: 'boolean', name: 'lc_in_work', title: { en: 'Are you in work?', cy: 'Ydych chi mewn gwaith?' } },
            {
              type: 'rating',
              name: 'lc_mood',
              title: { en: 'How is your mood?', cy: 'Sut mae eich hwyliau?' },
              rateValues: [
                { value: 1, text: { en: 'Low', cy: 'Isel' } },
                { value: 2, text: { en: 'OK', cy: 'Iawn' } },
                { value: 3, text: { en: 'Good', cy: 'Da' } },
              ],
            },
            { type: 'comment', name: 'lc_anything_else', title: { en: 'Anything else?', cy: 'Unrhyw beth arall?' }, maxLength: 500 },
            { type: 'text', name: 'lc_town', title: { en: 'Which town do you live in?', cy: 'Ym mha dref rydych chi’n byw?' } },
          ],
        },
      ],
    },
  }));
}
