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
import * as z from 'zod/mini';
import { Config } from '../../functions/config.js';

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

/**
 * The functions' own schema (functions/config.ts) for the variables the mail
 * context keys become, and which key each comes from: a value the functions
 * would refuse ("configuration is incomplete" on every request) fails the synth
 * instead, naming the key.
 */
const MailEnvironment = z.pick(Config, { MAIL_FROM: true, PUBLIC_WEB_URL: true, STUDY_TEAM_EMAIL: true });
const CONTEXT_KEY_OF = {
  MAIL_FROM: { key: 'mailFrom', wanted: "the sender's email address" },
  PUBLIC_WEB_URL: { key: 'webUrl', wanted: 'the https:// address the web app is served at' },
  STUDY_TEAM_EMAIL: { key: 'studyTeamEmail', wanted: "the study team's email address" },
} as const;

/** Mail settings from CDK context, or undefined when no sender is given. */
export function mailSettingsFrom(context: (key: string) => unknown): MailSettings | undefined {
  const from = context('mailFrom');
  if (from === undefined) return undefined;
  const webUrl = context('webUrl');
  if (typeof from !== 'string') throw new Error(`Invalid mailFrom "${String(from)}": give the sender's email address`);
  if (typeof webUrl !== 'string' || !/^https:\/\/[^/\s]+/.test(webUrl)) throw new Error('Sending email needs -c webUrl=https://… (where the web app is served), for the links in emails');
  const studyTeam = context('studyTeamEmail');
  if (studyTeam !== undefined && studyTeam !== null && typeof studyTeam !== 'string') throw new Error(`Invalid studyTeamEmail "${String(studyTeam)}": give the study team's email address`);
  const settings: MailSettings = { from, webUrl: webUrl.replace(/\/$/, ''), ...(typeof studyTeam === 'string' && studyTeam ? { studyTeam } : {}) };

  // Exactly the variables the functions will be given, checked as they will check them.
  const environment = mailEnvironment(settings);
  const parsed = MailEnvironment.safeParse(environment);
  if (!parsed.success) {
    const problems = [...new Set(parsed.error.issues.map((issue) => issue.path[0]))].map((variable) => {
      const { key, wanted } = CONTEXT_KEY_OF[variable as keyof typeof CONTEXT_KEY_OF];
      return `Invalid ${key} "${environment[String(variable)]}" (-c ${key}=…): give ${wanted}. The functions (functions/config.ts, ${String(variable)}) would refuse it and answer every request with "configuration is incomplete".`;
    });
    throw new Error(problems.join('\n'));
  }
  return settings;
}
