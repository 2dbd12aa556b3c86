/**
 * Researcher endpoints and the console session. Lives in the console chunk,
 * so none of this (nor the researcher contracts) reaches the respondent page.
 */
import * as z from 'zod/mini';
import { InstrumentDiffResult, ListInstrumentsResult, PublishInstrumentResult } from '../../../functions/contracts/instruments.js';
import { LinkJob, LinkJobList } from '../../../functions/contracts/link-jobs.js';
import { DraftDetail, DraftList, ShareDraftResult, type ShareDraftRequest } from '../../../functions/contracts/reviews.js';
import {
  CheckInList,
  ImportParticipantsResult,
  IssueLinksResult,
  ParticipantList,
  SendRemindersResult,
  SentMessage,
  SentMessageList,
  StudyProgress,
  WithdrawResult,
  type IssueLinksRequest,
  type WithdrawRequest,
} from '../../../functions/contracts/participants.js';
import {
  AuditLog,
  ChangePasswordRequest,
  CreateUserResult,
  SignInRequest,
  SignInResult,
  StudyList,
  UserList,
  UserSummary,
  WaveResponses,
  type CreateUserRequest,
  type UpdateUserRequest,
} from '../../../functions/contracts/researcher.js';
import {
  AddConsentTextResult,
  ConsentTextList,
  CreateWaveResult,
  type AddConsentTextRequest,
  type CreateStudyRequest,
  type CreateWaveRequest,
} from '../../../functions/contracts/studies.js';
import { ExportDownload, ExportJob, ExportList, type CreateExportRequest } from '../../../functions/contracts/exports.js';
import { AddMemberResult, MemberList, type AddMemberRequest } from '../../../functions/contracts/members.js';
import { ApiProblem, NetworkProblem, parseJsonResponse, requestJson } from '../api';

/**
 * The console's session: a researcher token (embedded: Pont's own; AWS:
 * Cognito's access token) and the role it carries; in AWS also Cognito's
 * refresh token, with which the console renews the session (signIn.ts). The
 * email is the one typed at sign-in (neither sign-in answer carries it): a
 * platform admin adds themselves to a study with it.
 */
const Session = z.extend(SignInResult, { refreshToken: z.optional(z.string()), email: z.optional(z.string()) });
export type Session = z.infer<typeof Session>;

/** sessionStorage, not localStorage: the token dies with the tab. */
const SESSION_KEY = 'pont.console.session';

export function loadSession(): Session | null {
  try {
    const raw = sessionStorage.getItem(SESSION_KEY);
    if (!raw) return null;
    const parsed = Session.safeParse(JSON.parse(raw));
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

/** POST /api/auth/password: a new password (a temporary one must be replaced before it signs in). */
export async function changePassword(email: string, currentPassword: string, newPassword: string): Promise<SignInResult> {
  const body = ChangePasswordRequest.safeParse({ email, currentPassword, newPassword });
  if (!body.success) throw new InvalidSignIn(body.error.issues.map((issue) => issue.message).join('; '));
  return requestJson(SignInResult, '/api/auth/password', { method: 'POST', body: body.data });
}

/** GET /api/studies */
export function listStudies(token: string): Promise<StudyList> {
  return requestJson(StudyList, '/api/studies', { bearer: token });
}

/** GET /api/studies/{studyId}/waves/{waveId}/responses?limit=&after= */
export function listWaveResponses(token: string, studyId: string, waveId: string, page: { limit: number; after?: string }): Promise<WaveResponses> {
  const query = new URLSearchParams({ limit: String(page.limit), ...(page.after ? { after: page.after } : {}) });
  return requestJson(WaveResponses, `/api/studies/${encodeURIComponent(studyId)}/waves/${encodeURIComponent(waveId)}/responses?${query.toString()}`, { bearer: token });
}

// --- Study setup and running ------------------------------------------------

/** What the create-study route answers (no shared contract: it is only this). */
const CreateStudyResult = z.object({ studyId: z.string() });
const CheckInHandledResult = z.object({ handled: z.boolean() });

const seg = encodeURIComponent;

/** POST /api/studies */
export function createStudy(token: string, body: CreateStudyRequest): Promise<{ studyId: string }> {
  return requestJson(CreateStudyResult, '/api/studies', { method: 'POST', body, bearer: token });
}

/** POST /api/studies/{studyId}/waves */
export function createWave(token: string, studyId: string, body: CreateWaveRequest): Promise<CreateWaveResult> {
  return requestJson(CreateWaveResult, `/api/studies/${seg(studyId)}/waves`, { method: 'POST', body, bearer: token });
}

/** GET /api/studies/{studyId}/consents */
export function listConsentTexts(token: string, studyId: string): Promise<ConsentTextList> {
  return requestJson(ConsentTextList, `/api/studies/${seg(studyId)}/consents`, { bearer: token });
}

/** POST /api/studies/{studyId}/consents: a new version (a version never changes). */
export function addConsentText(token: string, studyId: string, body: AddConsentTextRequest): Promise<AddConsentTextResult> {
  return requestJson(AddConsentTextResult, `/api/studies/${seg(studyId)}/consents`, { method: 'POST', body, bearer: token });
}

// --- People (admins; embedded mode) ---------------------------------------------

/** GET /api/users */
export function listUsers(token: string): Promise<UserList> {
  return requestJson(UserList, '/api/users', { bearer: token });
}

/** POST /api/users: the temporary password is in the answer, once. */
export function createUser(token: string, body: CreateUserRequest): Promise<CreateUserResult> {
  return requestJson(CreateUserResult, '/api/users', { method: 'POST', body, bearer: token });
}

/** PUT /api/users/{userId}: a new role, disabled or enabled. */
export function updateUser(token: string, userId: string, body: UpdateUserRequest): Promise<UserSummary> {
  return requestJson(UserSummary, `/api/users/${seg(userId)}`, { method: 'PUT', body, bearer: token });
}

/** POST /api/studies/{studyId}/participants/import (text/csv): all rows or none. */
export async function importParticipants(token: string, studyId: string, csv: string): Promise<ImportParticipantsResult> {
  const response = await send(`/api/studies/${seg(studyId)}/participants/import`, {
    method: 'POST',
    headers: { Accept: 'application/json', 'Content-Type': 'text/csv; charset=utf-8', Authorization: `Bearer ${token}` },
    body: csv,
  });
  return parseJsonResponse(ImportParticipantsResult, response);
}

/** POST /api/studies/{studyId}/waves/{waveId}/links */
export function issueLinks(token: string, studyId: string, waveId: string, body: IssueLinksRequest): Promise<IssueLinksResult> {
  return requestJson(IssueLinksResult, `/api/studies/${seg(studyId)}/waves/${seg(waveId)}/links`, { method: 'POST', body, bearer: token });
}

/** POST /api/studies/{studyId}/waves/{waveId}/link-jobs: a whole wave's links, issued in the background. */
export function createLinkJob(token: string, studyId: string, waveId: string, body: IssueLinksRequest): Promise<LinkJob> {
  return requestJson(LinkJob, `/api/studies/${seg(studyId)}/waves/${seg(waveId)}/link-jobs`, { method: 'POST', body, bearer: token });
}

/** GET /api/studies/{studyId}/link-jobs/{jobId} */
export function getLinkJob(token: string, studyId: string, jobId: string): Promise<LinkJob> {
  return requestJson(LinkJob, `/api/studies/${seg(studyId)}/link-jobs/${seg(jobId)}`, { bearer: token });
}

/** GET /api/studies/{studyId}/link-jobs: the caller's own. */
export function listLinkJobs(token: string, studyId: string): Promise<LinkJobList> {
  return requestJson(LinkJobList, `/api/studies/${seg(studyId)}/link-jobs`, { bearer: token });
}

/** POST /api/studies/{studyId}/link-jobs/{jobId}/sheet: a finished job's links (audited). */
export function downloadLinkSheet(token: string, studyId: string, jobId: string): Promise<IssueLinksResult> {
  return requestJson(IssueLinksResult, `/api/studies/${seg(studyId)}/link-jobs/${seg(jobId)}/sheet`, { method: 'POST', bearer: token });
}

/** GET /api/studies/{studyId}/participants?limit=&after=&prefix= */
export function listParticipants(token: string, studyId: string, page: { limit: number; after?: string; prefix?: string }): Promise<ParticipantList> {
  const query = new URLSearchParams({ limit: String(page.limit), ...(page.after ? { after: page.after } : {}), ...(page.prefix ? { prefix: page.prefix } : {}) });
  return requestJson(ParticipantList, `/api/studies/${seg(studyId)}/participants?${query.toString()}`, { bearer: token });
}

/** POST /api/studies/{studyId}/waves/{waveId}/reminders */
export function sendReminders(token: string, studyId: string, waveId: string): Promise<SendRemindersResult> {
  return requestJson(SendRemindersResult, `/api/studies/${seg(studyId)}/waves/${seg(waveId)}/reminders`, { method: 'POST', bearer: token });
}

/** GET /api/studies/{studyId}/messages (embedded mode only: 404 elsewhere) */
export function listSentMessages(token: string, studyId: string, page: { offset: number; limit: number }): Promise<SentMessageList> {
  return requestJson(SentMessageList, `/api/studies/${seg(studyId)}/messages?offset=${page.offset}&limit=${page.limit}`, { bearer: token });
}

/** GET /api/studies/{studyId}/messages/{messageId} */
export function readSentMessage(token: string, studyId: string, messageId: string): Promise<SentMessage> {
  return requestJson(SentMessage, `/api/studies/${seg(studyId)}/messages/${seg(messageId)}`, { bearer: token });
}

/** GET /api/studies/{studyId}/progress[?attribute=&value=] */
export function studyProgress(token: string, studyId: string, filter: { attribute: string; value: string } | null): Promise<StudyProgress> {
  const query = filter ? `?${new URLSearchParams({ attribute: filter.attribute, value: filter.value }).toString()}` : '';
  return requestJson(StudyProgress, `/api/studies/${seg(studyId)}/progress${query}`, { bearer: token });
}

/** POST /api/studies/{studyId}/participants/{participantCode}/withdraw */
export function withdrawParticipant(token: string, studyId: string, participantCode: string, body: WithdrawRequest): Promise<WithdrawResult> {
  return requestJson(WithdrawResult, `/api/studies/${seg(studyId)}/participants/${seg(participantCode)}/withdraw`, { method: 'POST', body, bearer: token });
}

/** GET /api/studies/{studyId}/check-ins?limit=&after= */
export function listCheckIns(token: string, studyId: string, page: { limit: number; after?: string }): Promise<CheckInList> {
  const query = new URLSearchParams({ limit: String(page.limit), ...(page.after ? { after: page.after } : {}) });
  return requestJson(CheckInList, `/api/studies/${seg(studyId)}/check-ins?${query.toString()}`, { bearer: token });
}

/** POST /api/studies/{studyId}/check-ins/{waveId}/{participantCode}/handled */
export function markCheckInHandled(token: string, studyId: string, waveId: string, participantCode: string): Promise<{ handled: boolean }> {
  return requestJson(CheckInHandledResult, `/api/studies/${seg(studyId)}/check-ins/${seg(waveId)}/${seg(participantCode)}/handled`, { method: 'POST', bearer: token });
}

/** GET /api/audit/{scope}?month=YYYY-MM[&after=]: a page of the month's entries, oldest first. */
export function readAuditLog(token: string, scope: string, month: string, after?: string): Promise<AuditLog> {
  const query = new URLSearchParams({ month, ...(after ? { after } : {}) });
  return requestJson(AuditLog, `/api/audit/${seg(scope)}?${query.toString()}`, { bearer: token });
}

/**
 * GET /api/audit/{scope}?month=YYYY-MM with Accept: text/csv, every page
 * (each names the next in its x-next-page header), joined into one CSV
 * under one header line: the Blob to save.
 */
export async function downloadAuditCsv(token: string, scope: string, month: string): Promise<Blob> {
  const parts: string[] = [];
  let after: string | null = null;
  do {
    const query = new URLSearchParams({ month, ...(after ? { after } : {}) });
    const response = await send(`/api/audit/${seg(scope)}?${query.toString()}`, { headers: { Accept: 'text/csv', Authorization: `Bearer ${token}` } });
    if (!response.ok) {
      // Throws the ApiProblem the error body describes.
      await parseJsonResponse(AuditLog, response);
      throw new ApiProblem(response.status, `http_${response.status}`, response.statusText);
    }
    const text = await response.text();
    // Every page starts with the header line: keep the first page's only.
    parts.push(parts.length === 0 ? text : text.slice(text.indexOf('\n') + 1));
    after = response.headers.get('x-next-page');
  } while (after);
  return new Blob(parts, { type: 'text/csv;charset=utf-8' });
}

// --- Study membership (owners; platform admins to help a team) ----------------------

const RemoveMemberResult = z.object({ removed: z.boolean() });

/** GET /api/studies/{studyId}/members */
export function listMembers(token: string, studyId: string): Promise<MemberList> {
  return requestJson(MemberList, `/api/studies/${seg(studyId)}/members`, { bearer: token });
}

/** POST /api/studies/{studyId}/members: adds an account, or changes a member's role or group. */
export function addMember(token: string, studyId: string, body: AddMemberRequest): Promise<AddMemberResult> {
  return requestJson(AddMemberResult, `/api/studies/${seg(studyId)}/members`, { method: 'POST', body, bearer: token });
}

/** DELETE /api/studies/{studyId}/members/{userId}: never the last owner (409 last_owner). */
export function removeMember(token: string, studyId: string, userId: string): Promise<{ removed: boolean }> {
  return requestJson(RemoveMemberResult, `/api/studies/${seg(studyId)}/members/${seg(userId)}`, { method: 'DELETE', bearer: token });
}

// --- Dataset exports (analysts and admins) ------------------------------------

/** POST /api/studies/{studyId}/exports: starts building a package (202, queued). */
export function startExport(token: string, studyId: string, body: CreateExportRequest): Promise<ExportJob> {
  return requestJson(ExportJob, `/api/studies/${seg(studyId)}/exports`, { method: 'POST', body, bearer: token });
}

/** GET /api/studies/{studyId}/exports: newest first. */
export function listExports(token: string, studyId: string): Promise<ExportList> {
  return requestJson(ExportList, `/api/studies/${seg(studyId)}/exports`, { bearer: token });
}

/** GET /api/studies/{studyId}/exports/{exportId}: status and progress. */
export function getExport(token: string, studyId: string, exportId: string): Promise<ExportJob> {
  return requestJson(ExportJob, `/api/studies/${seg(studyId)}/exports/${seg(exportId)}`, { bearer: token });
}

/** POST /api/studies/{studyId}/exports/{exportId}/download: a short-lived URL; the server records the download in the audit log. */
export function exportDownloadUrl(token: string, studyId: string, exportId: string): Promise<ExportDownload> {
  return requestJson(ExportDownload, `/api/studies/${seg(studyId)}/exports/${seg(exportId)}/download`, { method: 'POST', bearer: token });
}

/** Fetches a package through its download URL (same origin embedded; a presigned S3 URL in AWS, no credentials sent). */
export async function fetchExportZip(url: string): Promise<Uint8Array> {
  const response = await send(url, { credentials: 'omit' });
  if (!response.ok) throw new ApiProblem(response.status, `http_${response.status}`, response.status === 410 ? 'The download link has expired' : 'The package could not be downloaded');
  return new Uint8Array(await response.arrayBuffer());
}

async function send(path: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(path, { ...init, cache: 'no-store', signal: AbortSignal.timeout(60_000) });
  } catch (error) {
    throw new NetworkProblem('request failed', error);
  }
}

/** GET /api/instruments: the instrument library. */
export function listInstruments(token: string): Promise<ListInstrumentsResult> {
  return requestJson(ListInstrumentsResult, '/api/instruments', { bearer: token });
}

/** GET /api/instruments/{instrumentId}/diff?from=&to= */
export function diffInstrumentVersions(token: string, instrumentId: string, from: string, to: string): Promise<InstrumentDiffResult> {
  const query = new URLSearchParams({ from, to });
  return requestJson(InstrumentDiffResult, `/api/instruments/${seg(instrumentId)}/diff?${query}`, { bearer: token });
}

/** POST /api/instruments: publish an instrument file at the id and version it names. */
export function publishInstrument(token: string, file: unknown): Promise<PublishInstrumentResult> {
  return requestJson(PublishInstrumentResult, '/api/instruments', { method: 'POST', body: file, bearer: token });
}

/** POST /api/drafts: share a draft instrument through an expiring review link. */
export function shareDraft(token: string, body: ShareDraftRequest): Promise<ShareDraftResult> {
  return requestJson(ShareDraftResult, '/api/drafts', { method: 'POST', body, bearer: token });
}

/** GET /api/drafts */
export function listDrafts(token: string): Promise<DraftList> {
  return requestJson(DraftList, '/api/drafts', { bearer: token });
}

/** GET /api/drafts/{draftId}: its questions and reviewers' comments. */
export function getDraft(token: string, draftId: string): Promise<DraftDetail> {
  return requestJson(DraftDetail, `/api/drafts/${seg(draftId)}`, { bearer: token });
}
