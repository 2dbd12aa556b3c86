/**
 * The API's study list doesn't include the declared attributes yet, so the
 * console remembers those of studies created in this tab (sessionStorage) to
 * offer them in the progress filter; otherwise the filter takes typed ids.
 */
import * as z from 'zod/mini';
import { ParticipantAttribute } from '../../../functions/contracts/studies.js';

const Attributes = z.array(ParticipantAttribute);
const key = (studyId: string) => `pont.console.attributes.${studyId}`;

export function rememberAttributes(studyId: string, attributes: ParticipantAttribute[]): void {
  try {
    sessionStorage.setItem(key(studyId), JSON.stringify(attributes));
  } catch {
    // storage full or disabled: the filter falls back to typed ids
  }
}

export function knownAttributes(studyId: string): ParticipantAttribute[] | null {
  try {
    const raw = sessionStorage.getItem(key(studyId));
    if (!raw) return null;
    const parsed = Attributes.safeParse(JSON.parse(raw));
    return parsed.success && parsed.data.length > 0 ? parsed.data : null;
  } catch {
    return null;
  }
}
