/**
 * Every key shape in the single table, in one place. docs/data-model.md
 * explains each item and the access pattern it serves.
 */
/** The partition holding everything about one participant: responses, consents, links. */
const participantPartition = (studyId: string, participantCode: string) => `STUDY#${studyId}#P#${participantCode}`;

export const keys = {
  participantPartition,
  study: (studyId: string) => ({ PK: `STUDY#${studyId}`, SK: 'META' }),
  studyListing: (studyId: string) => ({ GSI1PK: 'STUDIES', GSI1SK: studyId }),
  wave: (studyId: string, waveId: string) => ({ PK: `STUDY#${studyId}`, SK: `WAVE#${waveId}` }),
  participant: (studyId: string, participantCode: string) => ({ PK: `STUDY#${studyId}`, SK: `P#${participantCode}` }),
  linkToken: (tokenHash: string) => ({ PK: `TOKEN#${tokenHash}`, SK: 'TOKEN' }),
  instrumentVersion: (instrumentId: string, version: string) => ({ PK: `INSTR#${instrumentId}`, SK: `V#${version}` }),
  /** A draft shared for review (issue #22): the file as reviewed, its comment count; listed newest first under GSI1. */
  draft: (draftId: string) => ({ PK: `DRAFT#${draftId}`, SK: 'DRAFT' }),
  draftListing: (sharedAt: string, draftId: string) => ({ GSI1PK: 'DRAFTS', GSI1SK: `${sharedAt}#${draftId}` }),
  /** A reviewer's comment, in the draft's partition, in the order written. */
  draftComment: (draftId: string, at: string, commentId: string) => ({ PK: `DRAFT#${draftId}`, SK: `C#${at}#${commentId}` }),
  /** A review link's token (only its hash), pointing at its draft. */
  reviewToken: (tokenHash: string) => ({ PK: `REVIEW#${tokenHash}`, SK: 'REVIEW' }),
  /** The instrument library (issue #22): a small summary of every published version, all in one partition. */
  instrumentLibraryEntry: (instrumentId: string, version: string) => ({ PK: 'INSTRUMENT_LIBRARY', SK: `I#${instrumentId}#V#${version}` }),
  response: (studyId: string, participantCode: string, waveId: string, instrumentId: string) => ({
    PK: participantPartition(studyId, participantCode),
    SK: `R#${waveId}#${instrumentId}`,
  }),
  /**
   * The wave index: every response, link and consent decision of a wave under one
   * GSI1 partition, so the progress view and exports read a wave in one query.
   */
  waveIndex: (studyId: string, waveId: string, participantCode: string, kind: 'LINK' | 'CONSENT') => ({
    GSI1PK: `STUDY#${studyId}#W#${waveId}`,
    GSI1SK: `P#${participantCode}#~${kind}`,
  }),
  responseByWave: (studyId: string, waveId: string, participantCode: string, instrumentId: string) => ({
    GSI1PK: `STUDY#${studyId}#W#${waveId}`,
    GSI1SK: `P#${participantCode}#${instrumentId}`,
  }),
  audit: (scope: string, at: Date, entryId: string) => ({
    PK: `AUDIT#${scope}#${at.toISOString().slice(0, 7)}`,
    SK: `${at.toISOString()}#${entryId}`,
  }),
  consentText: (studyId: string, version: string) => ({ PK: `STUDY#${studyId}`, SK: `CONSENT#${version}` }),
  consentDecision: (studyId: string, participantCode: string, waveId: string) => ({
    PK: participantPartition(studyId, participantCode),
    SK: `CONSENT#${waveId}`,
  }),
  checkInRequest: (studyId: string, waveId: string, participantCode: string) => ({
    PK: `STUDY#${studyId}`,
    SK: `CHECKIN#${waveId}#${participantCode}`,
  }),
  /** The participant's current link for a wave: which token hash is live, and when it was first opened. */
  participantLink: (studyId: string, participantCode: string, waveId: string) => ({
    PK: participantPartition(studyId, participantCode),
    SK: `LINK#${waveId}`,
  }),
  rateLimit: (clientHash: string, window: number) => ({ PK: `RATE#${clientHash}#${window}`, SK: 'RATE' }),
  /** Failed passwords for one account (embedded sign-in), keyed on a hash of the email: see account-backoff.ts. */
  accountBackoff: (accountHash: string) => ({ PK: `RATE#ACCOUNT#${accountHash}`, SK: 'BACKOFF' }),
  exportJob: (studyId: string, exportId: string) => ({ PK: `STUDY#${studyId}`, SK: `EXPORT#${exportId}` }),
  /** The study-stable pseudonym key, made the first time an analyst asks for joinable exports. */
  pseudonymKey: (studyId: string) => ({ PK: `STUDY#${studyId}`, SK: 'PSEUDONYM_KEY' }),
  user: (email: string) => ({ PK: `USER#${email.toLowerCase()}`, SK: 'USER' }),
  /** A study member (issue #18), in the study's partition; listed by account under GSI1 for "my studies". */
  member: (studyId: string, userId: string) => ({ PK: `STUDY#${studyId}`, SK: `MEMBER#${userId}` }),
  membershipListing: (studyId: string, userId: string) => ({ GSI1PK: `MEMBER#${userId}`, GSI1SK: `STUDY#${studyId}` }),
  /** How many owners a study has: every change of an owner is conditioned on it, so a study always keeps one. */
  studyOwners: (studyId: string) => ({ PK: `STUDY#${studyId}`, SK: 'OWNERS' }),
  /** A lease on a platform-wide job (the reminder run): see run-locks.ts. */
  runLock: (job: string) => ({ PK: 'LOCK', SK: job }),
} as const;

export const prefixes = {
  wave: 'WAVE#',
  exportJob: 'EXPORT#',
  member: 'MEMBER#',
  responsesOfParticipantWave: (waveId: string) => `R#${waveId}#`,
} as const;
