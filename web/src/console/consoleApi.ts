/**
 * Researcher endpoints and the console session. Lives in the console chunk,
 * so none of this (nor the researcher contracts) reaches the respondent page.
 */
import {
  SignInRequest,
  SignInResult,
  StudyList,
  WaveResponses,
} from '../../../functions/contracts/researcher.js';
import { requestJson } from '../api';

export type Session = SignInResult;

/** sessionStorage, not localStorage: the token dies with the tab. */
const SESSION_KEY = 'pont.console.session';

export function loadSession(): Session | null {
  try {
    const raw = sessionStorage.getItem(SESSION_KEY);
    if (!raw) return null;
    const parsed = SignInResult.safeParse(JSON.parse(raw));
    if (!parsed.success) return null;
    const expires = Date.parse(parsed.data.expiresAt);
    if (!Number.isNaN(expires) && expires <= Date.now()) {
      clearSession();
      return null;
    }
    return parsed.data;
  } catch {
    return null;
  }
}

export function saveSession(session: Session): void {
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
}

export function clearSession(): void {
  sessionStorage.removeItem(SESSION_KEY);
}

/** The form's values can't be a SignInRequest (checked before sending). */
export class InvalidSignIn extends Error {}

/** POST /api/auth/sign-in */
export async function signIn(email: string, password: string): Promise<SignInResult> {
  const body = SignInRequest.safeParse({ email, password });
  if (!body.success) throw new InvalidSignIn('invalid sign-in form');
  return requestJson(SignInResult, '/api/auth/sign-in', { method: 'POST', body: body.data });
}

/** GET /api/studies */
export function listStudies(token: string): Promise<StudyList> {
  return requestJson(StudyList, '/api/studies', { bearer: token });
}

/** GET /api/studies/{studyId}/waves/{waveId}/responses */
export function listWaveResponses(token: string, studyId: string, waveId: string): Promise<WaveResponses> {
  return requestJson(
    WaveResponses,
    `/api/studies/${encodeURIComponent(studyId)}/waves/${encodeURIComponent(waveId)}/responses`,
    { bearer: token },
  );
}
