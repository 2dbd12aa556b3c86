/**
 * The route table: plain data read by the CDK stack (one Lambda function and
 * one HTTP API route per entry) and by the embedded server (which builds the
 * same API Gateway v2 event and calls the same handler). Add a route here and
 * it exists in both places.
 */
export type Role = 'admin' | 'researcher' | 'analyst';
export type StudyRole = 'owner' | 'researcher' | 'analyst';

/**
 * What a route that names a study (`{studyId}` in its path) needs there. The
 * shared handler chain (functions/http/researcher-handler.ts) reads the caller's
 * membership before the handler runs: a study the caller is not a member of
 * answers 404 exactly as one that does not exist; a member whose study role is
 * not listed gets 403; a route naming a `{participantCode}` outside the
 * member's data access group answers 404 as a participant that does not exist.
 */
export type StudyScope = {
  roles: readonly StudyRole[];
  /** Platform admins may use it without being a member, to help a team (the members page). */
  admins?: boolean;
};

export type RouteAccess =
  /** Anyone holding a personal-link token; the token in the path is the credential. */
  | { kind: 'respondent' }
  /** Public, no credential (sign-in itself; content unlocked by a hash in its address). */
  | { kind: 'public' }
  /**
   * A verified researcher JWT carrying one of these platform roles, and for a
   * route that names a study, a membership of that study allowing it.
   */
  | { kind: 'researcher'; roles: readonly Role[]; study?: StudyScope; permission?: 'instrumentAuthor' };

/** Every platform role: on a route that names a study, the study role decides. */
const ANY_ACCOUNT: readonly Role[] = ['admin', 'researcher', 'analyst'];
/** Study roles of the people who work with identifiable participants. */
const PARTICIPANT_WORK: StudyScope = { roles: ['owner', 'researcher'] };
/** Study roles that work with anonymised data only. */
const ANONYMISED_DATA: StudyScope = { roles: ['owner', 'analyst'] };
const OWNERS: StudyScope = { roles: ['owner'] };

export type Route = {
  /** Stable name: also the Lambda function's construct id. */
  name: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** API Gateway path template, e.g. /api/s/{token}. */
  path: string;
  /** Module under functions/handlers/ exporting `handler`. */
  handler: string;
  access: RouteAccess;
  /** Least-privilege grant on the main table. */
  tableAccess: 'read' | 'readWrite';
  /** Grant on the identity table (contact details); absent for every route that does not manage contacts. */
  identityAccess?: 'read' | 'readWrite';
  /** Dataset exports: start the export worker, or read finished packages to sign download URLs. */
  exportAccess?: 'start' | 'download';
  /** Link jobs: start the link worker (and be told the mail settings, without the right to send). */
  linkJobs?: 'start';
  /** Embedded-only routes (local sign-in) are not deployed; AWS uses Cognito. */
  embeddedOnly?: boolean;
  /** Sends email through the Mailer: in AWS, granted SES's SendEmail on the sender identity and told the sender. */
  sendsEmail?: boolean;
  /**
   * Looks researcher accounts up by email or subject id (functions/auth/user-directory.ts): in AWS,
   * granted cognito-idp:ListUsers and AdminListGroupsForUser on the user pool, nothing else on it.
   */
  readsAccounts?: boolean;
  /**
   * The answer at each address never changes (and is public): in AWS, CloudFront
   * caches it at the edge, under a behaviour for the path up to its first parameter.
   */
  immutable?: boolean;
};

export const routes: readonly Route[] = [
  {
    name: 'OpenLink',
    method: 'GET',
    path: '/api/s/{token}',
    handler: 'open-link',
    access: { kind: 'respondent' },
    // Writes only the expiring counters that rate-limit bad tokens.
    tableAccess: 'readWrite',
  },
  {
    name: 'SaveResponse',
    method: 'PUT',
    path: '/api/s/{token}/responses/{instrumentId}',
    handler: 'save-response',
    access: { kind: 'respondent' },
    tableAccess: 'readWrite',
  },
  {
    name: 'GetInstrumentSurvey',
    method: 'GET',
    path: '/api/surveys/{instrumentId}/{version}/{contentHash}',
    handler: 'get-instrument-survey',
    // The content hash in the path is the credential; the answer is immutable and cached.
    access: { kind: 'public' },
    tableAccess: 'read',
    immutable: true,
  },
  {
    name: 'RecordConsent',
    method: 'POST',
    path: '/api/s/{token}/consent',
    handler: 'record-consent',
    access: { kind: 'respondent' },
    tableAccess: 'readWrite',
  },
  {
    name: 'RequestCheckIn',
    method: 'POST',
    path: '/api/s/{token}/check-in',
    handler: 'request-check-in',
    access: { kind: 'respondent' },
    tableAccess: 'readWrite',
    // Tells the study team (participant code only).
    sendsEmail: true,
  },
  {
    name: 'LocalSignIn',
    method: 'POST',
    path: '/api/auth/sign-in',
    handler: 'local-sign-in',
    access: { kind: 'public' },
    // Sign-ins are audited.
    tableAccess: 'readWrite',
    embeddedOnly: true,
  },
  {
    name: 'ListStudies',
    method: 'GET',
    path: '/api/studies',
    handler: 'list-studies',
    // Only the caller's studies (admins: every study's title, to help teams).
    access: { kind: 'researcher', roles: ANY_ACCOUNT },
    tableAccess: 'read',
  },
  {
    name: 'ListWaveResponses',
    method: 'GET',
    path: '/api/studies/{studyId}/waves/{waveId}/responses',
    handler: 'list-wave-responses',
    // Reading answers is a data access: it writes an audit entry.
    access: { kind: 'researcher', roles: ANY_ACCOUNT, study: PARTICIPANT_WORK },
    tableAccess: 'readWrite',
  },
  {
    name: 'CreateStudy',
    method: 'POST',
    path: '/api/studies',
    handler: 'create-study',
    // Whoever creates a study is its first owner.
    access: { kind: 'researcher', roles: ['admin', 'researcher'] },
    tableAccess: 'readWrite',
    // The owner is listed by their email, from the account directory.
    readsAccounts: true,
  },
  {
    name: 'CreateWave',
    method: 'POST',
    path: '/api/studies/{studyId}/waves',
    handler: 'create-wave',
    access: { kind: 'researcher', roles: ANY_ACCOUNT, study: OWNERS },
    tableAccess: 'readWrite',
  },
  {
    name: 'ImportParticipants',
    method: 'POST',
    path: '/api/studies/{studyId}/participants/import',
    handler: 'import-participants',
    access: { kind: 'researcher', roles: ANY_ACCOUNT, study: PARTICIPANT_WORK },
    tableAccess: 'readWrite',
  },
  {
    name: 'IssueLinks',
    method: 'POST',
    path: '/api/studies/{studyId}/waves/{waveId}/links',
    handler: 'issue-links',
    access: { kind: 'researcher', roles: ANY_ACCOUNT, study: PARTICIPANT_WORK },
    tableAccess: 'readWrite',
    // delivery "email": reads the participants' email addresses and sends each their link.
    identityAccess: 'read',
    sendsEmail: true,
  },
  // Link jobs (issue #24): a whole wave's links issued in the background, the sheet kept sealed for the person who asked.
  {
    name: 'CreateLinkJob',
    method: 'POST',
    path: '/api/studies/{studyId}/waves/{waveId}/link-jobs',
    handler: 'create-link-job',
    access: { kind: 'researcher', roles: ANY_ACCOUNT, study: PARTICIPANT_WORK },
    tableAccess: 'readWrite',
    // Plans the run as the links route does (email addresses changed in the last day). It sends nothing itself (the
    // worker does), but is told the mail settings, so that it refuses email delivery where none is set up.
    identityAccess: 'read',
    linkJobs: 'start',
  },
  {
    name: 'ListLinkJobs',
    method: 'GET',
    path: '/api/studies/{studyId}/link-jobs',
    handler: 'list-link-jobs',
    access: { kind: 'researcher', roles: ANY_ACCOUNT, study: PARTICIPANT_WORK },
    tableAccess: 'read',
  },
  {
    name: 'GetLinkJob',
    method: 'GET',
    path: '/api/studies/{studyId}/link-jobs/{jobId}',
    handler: 'get-link-job',
    access: { kind: 'researcher', roles: ANY_ACCOUNT, study: PARTICIPANT_WORK },
    tableAccess: 'read',
  },
  {
    name: 'DownloadLinkSheet',
    method: 'POST',
    path: '/api/studies/{studyId}/link-jobs/{jobId}/sheet',
    handler: 'download-link-sheet',
    access: { kind: 'researcher', roles: ANY_ACCOUNT, study: PARTICIPANT_WORK },
    // Reads the sealed sheet, writes the audit entry; the sheet's key is in the identity table.
    tableAccess: 'readWrite',
    identityAccess: 'read',
  },
  {
    name: 'StudyProgress',
    method: 'GET',
    path: '/api/studies/{studyId}/progress',
    handler: 'study-progress',
    access: { kind: 'researcher', roles: ANY_ACCOUNT, study: PARTICIPANT_WORK },
    tableAccess: 'read',
  },
  {
    name: 'WithdrawParticipant',
    method: 'POST',
    path: '/api/studies/{studyId}/participants/{participantCode}/withdraw',
    handler: 'withdraw-participant',
    access: { kind: 'researcher', roles: ANY_ACCOUNT, study: PARTICIPANT_WORK },
    tableAccess: 'readWrite',
    // Erasure removes contact details too.
    identityAccess: 'readWrite',
  },
  {
    name: 'ListCheckIns',
    method: 'GET',
    path: '/api/studies/{studyId}/check-ins',
    handler: 'list-check-ins',
    access: { kind: 'researcher', roles: ANY_ACCOUNT, study: PARTICIPANT_WORK },
    // Each read is audited (by count), so this route writes too.
    tableAccess: 'readWrite',
  },
  {
    name: 'MarkCheckInHandled',
    method: 'POST',
    path: '/api/studies/{studyId}/check-ins/{waveId}/{participantCode}/handled',
    handler: 'mark-check-in-handled',
    access: { kind: 'researcher', roles: ANY_ACCOUNT, study: PARTICIPANT_WORK },
    tableAccess: 'readWrite',
  },
  {
    name: 'ReadAuditLog',
    method: 'GET',
    path: '/api/audit/{scope}',
    handler: 'read-audit-log',
    // Reading the log is itself recorded, so this route writes too.
    access: { kind: 'researcher', roles: ['admin'] },
    tableAccess: 'readWrite',
  },
  {
    name: 'CreateLocalUser',
    method: 'POST',
    path: '/api/users',
    handler: 'create-local-user',
    access: { kind: 'researcher', roles: ['admin'] },
    tableAccess: 'readWrite',
    embeddedOnly: true,
  },
  {
    name: 'SetParticipantContact',
    method: 'PUT',
    path: '/api/studies/{studyId}/participants/{participantCode}/contact',
    handler: 'set-participant-contact',
    access: { kind: 'researcher', roles: ANY_ACCOUNT, study: PARTICIPANT_WORK },
    tableAccess: 'readWrite',
    identityAccess: 'readWrite',
  },
  {
    name: 'GetParticipantContact',
    method: 'GET',
    path: '/api/studies/{studyId}/participants/{participantCode}/contact',
    handler: 'get-participant-contact',
    // Reading contact details is audited.
    access: { kind: 'researcher', roles: ANY_ACCOUNT, study: PARTICIPANT_WORK },
    tableAccess: 'readWrite',
    identityAccess: 'read',
  },
  {
    name: 'PublishInstrumentVersion',
    method: 'PUT',
    path: '/api/instruments/{instrumentId}/versions/{version}',
    handler: 'publish-instrument-version',
    access: { kind: 'researcher', roles: ['admin', 'researcher'], permission: 'instrumentAuthor' },
    tableAccess: 'readWrite',
  },
  // The instrument library (issue #22): anyone signed in reads it (instruments hold no personal data); authors publish.
  {
    name: 'PublishInstrument',
    method: 'POST',
    path: '/api/instruments',
    handler: 'publish-instrument',
    // The file names its id and version: an upload from the console.
    access: { kind: 'researcher', roles: ['admin', 'researcher'], permission: 'instrumentAuthor' },
    tableAccess: 'readWrite',
  },
  {
    name: 'ListInstruments',
    method: 'GET',
    path: '/api/instruments',
    handler: 'list-instruments',
    access: { kind: 'researcher', roles: ANY_ACCOUNT },
    tableAccess: 'read',
    // Names who published each version.
    readsAccounts: true,
  },
  // Draft reviews (issue #22): an author shares a draft through an expiring link; reviewers comment without an account.
  {
    name: 'ShareDraft',
    method: 'POST',
    path: '/api/drafts',
    handler: 'share-draft',
    access: { kind: 'researcher', roles: ['admin', 'researcher'], permission: 'instrumentAuthor' },
    tableAccess: 'readWrite',
  },
  {
    name: 'ListDrafts',
    method: 'GET',
    path: '/api/drafts',
    handler: 'list-drafts',
    access: { kind: 'researcher', roles: ['admin', 'researcher'], permission: 'instrumentAuthor' },
    tableAccess: 'read',
    // Names who shared each draft.
    readsAccounts: true,
  },
  {
    name: 'GetDraft',
    method: 'GET',
    path: '/api/drafts/{draftId}',
    handler: 'get-draft',
    access: { kind: 'researcher', roles: ['admin', 'researcher'], permission: 'instrumentAuthor' },
    tableAccess: 'read',
    readsAccounts: true,
  },
  {
    name: 'OpenReview',
    method: 'GET',
    path: '/api/review/{token}',
    handler: 'open-review',
    // The review token in the path is the credential, as a personal link's is.
    access: { kind: 'public' },
    // Writes only the expiring counters that rate-limit bad tokens.
    tableAccess: 'readWrite',
  },
  {
    name: 'AddReviewComment',
    method: 'POST',
    path: '/api/review/{token}/comments',
    handler: 'add-review-comment',
    access: { kind: 'public' },
    tableAccess: 'readWrite',
  },
  {
    name: 'DiffInstrumentVersions',
    method: 'GET',
    path: '/api/instruments/{instrumentId}/diff',
    handler: 'diff-instrument-versions',
    access: { kind: 'researcher', roles: ANY_ACCOUNT },
    tableAccess: 'read',
  },
  // Dataset exports (issue #6): analysts (and admins) only; every request and download is audited.
  {
    name: 'CreateExport',
    method: 'POST',
    path: '/api/studies/{studyId}/exports',
    handler: 'create-export',
    access: { kind: 'researcher', roles: ANY_ACCOUNT, study: ANONYMISED_DATA },
    tableAccess: 'readWrite',
    exportAccess: 'start',
  },
  {
    name: 'ListExports',
    method: 'GET',
    path: '/api/studies/{studyId}/exports',
    handler: 'list-exports',
    access: { kind: 'researcher', roles: ANY_ACCOUNT, study: ANONYMISED_DATA },
    tableAccess: 'read',
  },
  {
    name: 'GetExport',
    method: 'GET',
    path: '/api/studies/{studyId}/exports/{exportId}',
    handler: 'get-export',
    access: { kind: 'researcher', roles: ANY_ACCOUNT, study: ANONYMISED_DATA },
    tableAccess: 'read',
  },
  {
    name: 'DownloadExport',
    method: 'POST',
    path: '/api/studies/{studyId}/exports/{exportId}/download',
    handler: 'download-export',
    access: { kind: 'researcher', roles: ANY_ACCOUNT, study: ANONYMISED_DATA },
    // Audited: the download is recorded before the URL is handed out.
    tableAccess: 'readWrite',
    exportAccess: 'download',
  },
  // Email invitations and reminders, the participants list, the outbox (embedded) and password changes (issue #5).
  {
    name: 'ListParticipants',
    method: 'GET',
    path: '/api/studies/{studyId}/participants',
    handler: 'list-participants',
    access: { kind: 'researcher', roles: ANY_ACCOUNT, study: PARTICIPANT_WORK },
    // Each page read is audited (by its size), so this route writes too.
    tableAccess: 'readWrite',
    // Only to say whether a contact is held; the contact itself is not returned.
    identityAccess: 'read',
  },
  {
    name: 'SendReminders',
    method: 'POST',
    path: '/api/studies/{studyId}/waves/{waveId}/reminders',
    handler: 'send-reminders',
    access: { kind: 'researcher', roles: ANY_ACCOUNT, study: PARTICIPANT_WORK },
    // Reissues the reminded links and audits the batch; reads email addresses to send to.
    tableAccess: 'readWrite',
    identityAccess: 'read',
    sendsEmail: true,
  },
  {
    name: 'ListSentMessages',
    method: 'GET',
    path: '/api/studies/{studyId}/messages',
    handler: 'list-sent-messages',
    access: { kind: 'researcher', roles: ANY_ACCOUNT, study: PARTICIPANT_WORK },
    tableAccess: 'read',
    // The outbox folder exists only in embedded mode; in AWS, SES's own tools show what was sent.
    embeddedOnly: true,
  },
  {
    name: 'ReadSentMessage',
    method: 'GET',
    path: '/api/studies/{studyId}/messages/{messageId}',
    handler: 'read-sent-message',
    access: { kind: 'researcher', roles: ANY_ACCOUNT, study: PARTICIPANT_WORK },
    // A message can hold a live personal link: reading one is audited.
    tableAccess: 'readWrite',
    embeddedOnly: true,
  },
  {
    name: 'ChangePassword',
    method: 'POST',
    path: '/api/auth/password',
    handler: 'change-password',
    // The current password is the credential, as at sign-in (a temporary password gets no session).
    access: { kind: 'public' },
    tableAccess: 'readWrite',
    embeddedOnly: true,
  },
  // Consent text versions after the study exists, and admins' people page (issue #5).
  {
    name: 'AddConsentText',
    method: 'POST',
    path: '/api/studies/{studyId}/consents',
    handler: 'add-consent-text',
    // As for waves: a new wave may need a new consent text approved since the study began.
    access: { kind: 'researcher', roles: ANY_ACCOUNT, study: OWNERS },
    tableAccess: 'readWrite',
  },
  {
    name: 'ListConsentTexts',
    method: 'GET',
    path: '/api/studies/{studyId}/consents',
    handler: 'list-consent-texts',
    access: { kind: 'researcher', roles: ANY_ACCOUNT, study: { roles: ['owner', 'researcher', 'analyst'] } },
    tableAccess: 'read',
  },
  {
    name: 'ListUsers',
    method: 'GET',
    path: '/api/users',
    handler: 'list-users',
    access: { kind: 'researcher', roles: ['admin'] },
    tableAccess: 'read',
    // Accounts live in Cognito in AWS (functions/auth/user-directory.ts), like CreateLocalUser.
    embeddedOnly: true,
  },
  {
    name: 'UpdateUser',
    method: 'PUT',
    path: '/api/users/{userId}',
    handler: 'update-user',
    // Role, disabled or enabled; audited.
    access: { kind: 'researcher', roles: ['admin'] },
    tableAccess: 'readWrite',
    embeddedOnly: true,
  },
  // Study membership (issue #18): every change is audited and takes effect at the member's next request.
  {
    name: 'ListMembers',
    method: 'GET',
    path: '/api/studies/{studyId}/members',
    handler: 'list-members',
    access: { kind: 'researcher', roles: ANY_ACCOUNT, study: { roles: ['owner', 'researcher', 'analyst'], admins: true } },
    tableAccess: 'read',
  },
  {
    name: 'AddMember',
    method: 'POST',
    path: '/api/studies/{studyId}/members',
    handler: 'add-member',
    // Admins may add themselves (or anyone) to help a team: audited and shown on the members page.
    access: { kind: 'researcher', roles: ANY_ACCOUNT, study: { roles: ['owner'], admins: true } },
    tableAccess: 'readWrite',
    // Members are added by email: the account is looked up in the directory.
    readsAccounts: true,
  },
  {
    name: 'RemoveMember',
    method: 'DELETE',
    path: '/api/studies/{studyId}/members/{userId}',
    handler: 'remove-member',
    access: { kind: 'researcher', roles: ANY_ACCOUNT, study: { roles: ['owner'], admins: true } },
    tableAccess: 'readWrite',
  },
];

export const deployedRoutes = routes.filter((route) => !route.embeddedOnly);

/**
 * Which share of the API's capacity a route draws on, from what the route
 * table already says about it. In AWS each class has its own per-route rate
 * and burst at the HTTP API stage (infra/aws/api.ts), so a flood on one route
 * is held to that route's limit and cannot take the capacity every other route
 * needs; no Lambda concurrency is reserved.
 */
export type TrafficClass = 'respondent' | 'public' | 'researcher' | 'export';

export function trafficClassOf(route: Pick<Route, 'access' | 'exportAccess'>): TrafficClass {
  if (route.exportAccess === 'start') return 'export';
  return route.access.kind;
}
