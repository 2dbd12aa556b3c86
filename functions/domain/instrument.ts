/**
 * The instrument file format: SurveyJS JSON plus what a longitudinal study
 * needs on top (identity, version, bilingual metadata, licence, translation
 * status). Scales and scoring arrive with the instruments issue (#3).
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { canonicalJson } from './canonical-json.js';

const Localised = z.object({ en: z.string().min(1), cy: z.string().min(1) });
const TranslationStatus = z.enum(['official', 'reviewed', 'draft']);

export const InstrumentFile = z.strictObject({
  $schema: z.string().optional(),
  id: z.string().regex(/^[a-z][a-z0-9-]{1,62}$/, 'use lower-case letters, digits and hyphens, starting with a letter'),
  version: z.string().regex(/^\d+\.\d+\.\d+$/, 'use a semantic version such as 1.0.0'),
  title: Localised,
  description: Localised,
  source: z.string().min(1),
  licence: z.strictObject({ name: z.string().min(1), notice: z.string().optional() }),
  translations: z.strictObject({ en: TranslationStatus, cy: TranslationStatus }),
  survey: z.record(z.string(), z.unknown()),
});
export type InstrumentFile = z.infer<typeof InstrumentFile>;

/** A published version as stored: the file plus the hash it is pinned by. */
export type InstrumentVersion = InstrumentFile & { contentHash: string };

/** SHA-256 over canonical JSON (keys sorted), so formatting changes do not change the hash. */
export function contentHash(instrument: InstrumentFile): string {
  const { $schema: _schema, ...content } = instrument;
  return createHash('sha256').update(canonicalJson(content)).digest('hex');
}

export function toInstrumentVersion(file: InstrumentFile): InstrumentVersion {
  return { ...file, contentHash: contentHash(file) };
}

/** Parses an instrument file's text; errors name the JSON path. */
export function parseInstrumentFile(text: string, fileName: string): InstrumentVersion {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`${fileName}: not valid JSON (${(error as Error).message})`);
  }
  const parsed = InstrumentFile.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new Error(`${fileName}: not a valid instrument:\n${problems.join('\n')}`);
  }
  return toInstrumentVersion(parsed.data);
}
