/**
 * Email through Amazon SES: what a function that sends mail is told and
 * granted. Sending is off until the stack is given a sender (`-c mailFrom=…`,
 * an address at a domain verified in SES in the stack's region) and the web
 * app's address (`-c webUrl=…`, where personal links point). Without them the
 * link sheet still works and email delivery answers "not configured".
 */
import { Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';

export type MailSettings = {
  /** The sender: an address at a verified SES identity. */
  from: string;
  /** Where the web app is served: personal links are `${webUrl}/s/<token>`. */
  webUrl: string;
  /** Where check-in requests are sent; unset: they are only listed in the console. */
  studyTeam?: string;
};

export function mailEnvironment(mail: MailSettings): Record<string, string> {
  return { MAIL_FROM: mail.from, PUBLIC_WEB_URL: mail.webUrl, ...(mail.studyTeam ? { STUDY_TEAM_EMAIL: mail.studyTeam } : {}) };
}

/**
 * ses:SendEmail on the sender's identities only (the address and its domain:
 * SES checks whichever is verified), never on `*`.
 */
export function grantSendEmail(fn: IFunction, mail: MailSettings): void {
  const stack = Stack.of(fn);
  const domain = mail.from.slice(mail.from.lastIndexOf('@') + 1);
  fn.addToRolePolicy(
    new PolicyStatement({
      actions: ['ses:SendEmail'],
      resources: [mail.from, domain].map((identity) => stack.formatArn({ service: 'ses', resource: 'identity', resourceName: identity })),
    }),
  );
}

/** Mail settings from CDK context, or undefined when no sender is given. */
export function mailSettingsFrom(context: (key: string) => unknown): MailSettings | undefined {
  const from = context('mailFrom');
  if (from === undefined) return undefined;
  const webUrl = context('webUrl');
  if (typeof from !== 'string' || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(from)) throw new Error(`Invalid mailFrom "${String(from)}": give the sender's email address`);
  if (typeof webUrl !== 'string' || !/^https:\/\/[^/\s]+/.test(webUrl)) throw new Error('Sending email needs -c webUrl=https://… (where the web app is served), for the links in emails');
  const studyTeam = context('studyTeamEmail');
  return { from, webUrl: webUrl.replace(/\/$/, ''), ...(typeof studyTeam === 'string' ? { studyTeam } : {}) };
}
