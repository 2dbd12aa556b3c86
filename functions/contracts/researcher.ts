/** Contracts of the researcher console and API. */
import { z } from 'zod/mini';
import { Language, LocalisedText } from './common.js';
import { WaveWindow } from './studies.js';
import { Answers, ResponseStatus } from './respondent.js';

export const Role = z.enum(['admin', 'researcher', 'analyst']);
export type Role = z.infer<typeof Role>;

/** POST /api/auth/sign-in (embedded mode only; AWS uses Cognito). */
export const SignInRequest = z.strictObject({
  email: z.string().check(z.minLength(3), z.maxLength(254)),
  password: z.string().check(z.minLength(1), z.maxLength(1024)),
});
export type SignInRequest = z.infer<typeof SignInRequest>;

export const SignInResult = z.object({
  token: z.string(),
  expiresAt: z.string(),
  role: Role,
});
export type SignInResult = z.infer<typeof SignInResult>;

/** GET /api/studies */
export const StudyList = z.object({
  studies: z.array(
    z.object({
      studyId: z.string(),
      title: LocalisedText,
      waves: z.array(z.object({ waveId: z.string(), name: LocalisedText, ordinal: z.number(), window: WaveWindow })),
    }),
  ),
});
export type StudyList = z.infer<typeof StudyList>;

/** GET /api/studies/{studyId}/waves/{waveId}/responses */
export const WaveResponses = z.object({
  responses: z.array(
    z.object({
      participantCode: z.string(),
      instrumentId: z.string(),
      instrumentVersion: z.string(),
      status: ResponseStatus,
      language: Language,
      savedAt: z.string(),
      answers: Answers,
    }),
  ),
});
export type WaveResponses = z.infer<typeof WaveResponses>;
