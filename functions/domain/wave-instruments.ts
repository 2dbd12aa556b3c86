/**
 * Rules for which instrument versions a wave may run. A study setting up its
 * waves (issue #5) calls these before it stores a wave.
 */
import type { InstrumentFile } from './instrument.js';

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
