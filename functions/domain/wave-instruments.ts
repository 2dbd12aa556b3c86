/**
 * Rules for which instrument versions a wave may run. A study setting up its
 * waves (issue #5) calls these before it stores a wave.
 */
import { sharedQuestionNames } from './export/column-names.js';
import { itemColumnsOf } from './export/item-columns.js';
import { diffInstruments } from './instrument-diff.js';
import { answerNameOf, questionsOf } from './instrument-questions.js';
import type { InstrumentFile, InstrumentVersion } from './instrument.js';
import { linkOriginProblems } from './instrument-markup.js';
import { supportProblems } from './question-support.js';

export type InstrumentRegistrations = Readonly<Record<string, string | undefined>>;

export type WaveInstrumentProblem = { instrumentId: string; message: string };

/**
 * Owners of some instruments (SWEMWBS) require registration before use: a wave
 * cannot run such an instrument until a researcher has recorded the study's
 * registration reference for it.
 */
export function registrationProblems(instruments: Pick<InstrumentFile, 'id' | 'licence'>[], registrations: InstrumentRegistrations): WaveInstrumentProblem[] {
  return instruments
    .filter((instrument) => instrument.licence.requiresRegistration && !registrations[instrument.id]?.trim())
    .map((instrument) => ({
      instrumentId: instrument.id,
      message: `${instrument.id} may only be used after registering with its owners (${instrument.licence.name}); record the registration reference for this study first`,
    }));
}

export type WaveLinkProblem = {
  /** Where, from the wave's list of instruments: `instruments[0].survey.pages[0].elements[2].html.en`. */
  path: string;
  message: string;
  instrumentId: string;
  version: string;
  origin: string;
};

/**
 * Instruments are platform-wide, but where a study's respondents may be sent
 * from a survey is the study's call: publishing lets an instrument link only
 * to https sites (instrument-markup.ts), and a wave may run it only when every
 * site it links to is one a support contact of the study names. A helpline the
 * study vouches for to its young people is a site it is content to send them to;
 * anything else is refused until the study names it.
 */
export function linkProblems(instruments: readonly Pick<InstrumentFile, 'id' | 'version' | 'survey'>[], supportContacts: readonly { url?: string | undefined }[]): WaveLinkProblem[] {
  const urls = supportContacts.map((contact) => contact.url);
  return instruments.flatMap((instrument, index) =>
    linkOriginProblems(instrument.survey, urls).map((problem) => ({
      path: `instruments[${index}].${problem.path}`,
      message: `${instrument.id}@${instrument.version} ${problem.message}`,
      instrumentId: instrument.id,
      version: instrument.version,
      origin: problem.origin,
    })),
  );
}

/**
 * A version published before instrument validate refused what Pont cannot run
 * end to end (question-support.ts) keeps its content hash, so it stays
 * published; a wave may not run it, or its answers would be refused or fail
 * to export.
 */
export function unsupportedProblems(instruments: readonly Pick<InstrumentFile, 'id' | 'version' | 'survey'>[]): { path: string; message: string }[] {
  return instruments.flatMap((instrument, index) =>
    supportProblems(instrument.survey, `instruments[${index}].survey`).map((problem) => ({ path: problem.path, message: `${instrument.id}@${instrument.version}: ${problem.message}` })),
  );
}

export type VersionChangeWarning = {
  instrumentId: string;
  baselineVersion: string;
  waveVersion: string;
  waveId: string;
  /** Scales whose scores cannot be compared with baseline, with why. */
  notComparable: { scaleId: string; reasons: string[] }[];
  /** Scales that still compare but whose items were reworded. */
  reworded: string[];
};

/**
 * A follow-up wave that pins a different version of an instrument than the
 * baseline did gets a warning saying which scales stay comparable.
 */
export function versionChangeWarnings(
  baseline: readonly InstrumentFile[],
  wave: { waveId: string; instruments: readonly InstrumentFile[] },
): VersionChangeWarning[] {
  return wave.instruments.flatMap((instrument) => {
    const atBaseline = baseline.find((b) => b.id === instrument.id);
    if (!atBaseline || atBaseline.version === instrument.version) return [];
    const diff = diffInstruments(atBaseline, instrument);
    return [
      {
        instrumentId: instrument.id,
        baselineVersion: atBaseline.version,
        waveVersion: instrument.version,
        waveId: wave.waveId,
        notComparable: diff.scales.filter((s) => s.verdict === 'not-comparable' || s.verdict === 'removed').map(({ scaleId, reasons }) => ({ scaleId, reasons })),
        reworded: diff.scales.filter((s) => s.verdict === 'comparable-but-reworded').map((s) => s.scaleId),
      },
    ];
  });
}

export type SharedQuestionName = { column: string; instrumentIds: string[] };

/**
 * Question names are dataset columns: a wave may not make two instruments of
 * the study ask questions stored under the same name (both ask `email`), or
 * their answers could only be exported under invented names. `studyPins`: the
 * instrument versions the study's waves already run; a clash among those alone
 * (a study set up before this check) is the export's to rename, not this wave's.
 */
export function sharedQuestionNameProblems(studyPins: readonly InstrumentVersion[], wavePins: readonly InstrumentVersion[]): SharedQuestionName[] {
  const columnsOf = (instrument: InstrumentVersion) => {
    try {
      return itemColumnsOf(instrument, { includeFreeText: true }, new Set());
    } catch {
      // A version published before its question types were checked (one the export cannot lay out): its answer names still clash.
      return questionsOf(instrument).map((question) => ({ name: answerNameOf(question) }));
    }
  };
  const key = (shared: SharedQuestionName) => `${shared.column}\n${[...shared.instrumentIds].sort().join('\n')}`;
  const before = new Set(sharedQuestionNames(studyPins, columnsOf).map(key));
  return sharedQuestionNames([...studyPins, ...wavePins], columnsOf).filter((shared) => !before.has(key(shared)));
}
