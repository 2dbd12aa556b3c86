/**
 * AWS mode: Cognito's post-authentication trigger (infra/aws/auth.ts). Every
 * researcher sign-in to the user pool is written to Pont's audit log, as the
 * embedded sign-in writes its own (functions/handlers/local-sign-in.ts): who
 * (the subject id, the `sub` the API sees in their tokens; never the email)
 * and when. Cognito runs it after the password and MFA checks, and not on
 * token refreshes.
 *
 * If the entry cannot be written the trigger fails, and so does the sign-in:
 * a sign-in the log does not hold would break its promise that every sign-in
 * is there.
 */
import type { PostAuthenticationTriggerEvent } from 'aws-lambda';
import { PLATFORM_SCOPE, recordAudit } from '../storage/audit.js';

export async function handler(event: PostAuthenticationTriggerEvent): Promise<PostAuthenticationTriggerEvent> {
  await recordAudit({
    scope: PLATFORM_SCOPE,
    actor: event.request.userAttributes.sub ?? 'unknown',
    action: 'auth.signed_in',
    detail: { via: 'cognito', ...(event.request.newDeviceUsed !== undefined ? { newDevice: event.request.newDeviceUsed } : {}) },
  });
  // Cognito expects the event back.
  return event;
}
