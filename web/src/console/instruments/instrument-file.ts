/** What the library's two upload forms (publish, share a draft) share: reading the chosen file, and a refusal for want of the author permission. */
import { ApiProblem } from '../../api';
import type { Problem } from '../ui';

/** The chosen file as one JSON object, or what is wrong with it, before anything is sent. */
export async function readInstrumentFile(file: File | null): Promise<{ instrument: Record<string, unknown> } | { problem: Problem }> {
  if (!file) return { problem: { message: 'Choose an instrument file (.json) first.', details: [] } };
  let value: unknown;
  try {
    value = JSON.parse(await file.text());
  } catch (error) {
    return { problem: { message: 'This file is not JSON, so it cannot be an instrument file.', details: [error instanceof Error ? error.message : String(error)] } };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { problem: { message: 'An instrument file holds one JSON object.', details: [] } };
  return { instrument: value as Record<string, unknown> };
}

/** useAction's onError for an authoring action: a 403 means the account lacks the instrument author permission. */
export const explainAuthorRefusal =
  (doing: string) =>
  (error: unknown, asProblem: (error: unknown) => Problem): Problem =>
    error instanceof ApiProblem && error.status === 403
      ? { message: `${doing} needs the instrument author permission: an admin can give it on the People page.`, details: [] }
      : asProblem(error);
