/**
 * Configuration of a deployment, from CDK context only (`-c key=value` on the
 * command line, or the "context" block of cdk.json). The one place the CDK app
 * reads context. Nothing here is secret: an email address for alarms, a domain
 * name and a certificate ARN are all safe in a repository.
 *
 *   stage            dev (default), prod, …: part of every stack name
 *   region           eu-west-2 (default, London)
 *   domainName       e.g. pont.example.gov.wales, with…
 *   certificateArn   …an ACM certificate for it in us-east-1 (CloudFront's rule)
 *   allowedOrigins   comma-separated origins that may call the API from another
 *                    site (CORS); none by default: the web app and the API share
 *                    one origin through CloudFront
 *   alarmEmail       subscribes this address to the alarm topic
 *   webDist          the built web app (default web/dist: run npm run build:web)
 *   mailFrom, webUrl, studyTeamEmail   email through SES (see mail.ts); webUrl
 *                    defaults to https://<domainName> when a domain is given
 *   originSecretVersion   after rotating the origin secret (origin-secret.ts,
 *                    docs/aws.md), the Secrets Manager version id of the new
 *                    value; an id, not the secret
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './api.js';
import { mailSettingsFrom, type MailSettings } from './mail.js';

export type PontConfig = {
  stage: string;
  region: string;
  /** Served on this name instead of the CloudFront domain. */
  domain?: { name: string; certificateArn: string };
  allowedOrigins: string[];
  alarmEmail?: string;
  /** Directory holding the built web app (index.html and assets/). */
  webDist: string;
  mail?: MailSettings;
  /** The origin secret's version to deploy (after a rotation); unset: the current one. */
  originSecretVersion?: string;
};

export const DEFAULT_REGION = 'eu-west-2';

export function configFrom(context: (key: string) => unknown): PontConfig {
  const text = (key: string): string | undefined => {
    const value = context(key);
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string') throw new Error(`Context ${key} must be a string`);
    return value.trim();
  };

  const stage = text('stage') ?? 'dev';
  if (!/^[a-z][a-z0-9-]{0,30}$/.test(stage)) throw new Error(`Invalid stage "${stage}": use lowercase letters, digits and dashes`);

  // Participants' data stays in London unless a region is asked for explicitly.
  // CDK_DEFAULT_REGION is deliberately not consulted: the CLI fills it from the
  // AWS profile, or with us-east-1 when the profile has no region, which would
  // silently move the stack out of the UK.
  const region = text('region') ?? DEFAULT_REGION;
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) throw new Error(`Invalid region "${region}"`);

  const domainName = text('domainName');
  const certificateArn = text('certificateArn');
  if (Boolean(domainName) !== Boolean(certificateArn)) throw new Error('A custom domain needs both -c domainName=… and -c certificateArn=…');
  if (domainName && !/^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$/.test(domainName)) throw new Error(`Invalid domainName "${domainName}"`);
  if (certificateArn && !/^arn:aws:acm:us-east-1:\d{12}:certificate\/[\w-]+$/.test(certificateArn)) {
    throw new Error('certificateArn must be an ACM certificate in us-east-1 (CloudFront only uses certificates from there)');
  }

  const origins = context('allowedOrigins');
  const allowedOrigins = (Array.isArray(origins) ? origins.map(String) : (text('allowedOrigins') ?? '').split(','))
    .map((origin) => origin.trim())
    .filter(Boolean);
  for (const origin of allowedOrigins) {
    if (!/^https:\/\/[^/\s*]+$/.test(origin)) throw new Error(`Invalid allowed origin "${origin}": give https://host, no path, no wildcard`);
  }

  const alarmEmail = text('alarmEmail');
  if (alarmEmail && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(alarmEmail)) throw new Error(`Invalid alarmEmail "${alarmEmail}"`);

  const webDist = path.resolve(repoRoot, text('webDist') ?? path.join('web', 'dist'));
  if (!existsSync(path.join(webDist, 'index.html'))) {
    throw new Error(`The web app is not built (${path.join(webDist, 'index.html')} is missing): run npm run build:web first, or give -c webDist=…`);
  }

  const originSecretVersion = text('originSecretVersion');
  if (originSecretVersion && !/^[A-Za-z0-9-]{32,64}$/.test(originSecretVersion)) {
    throw new Error(`Invalid originSecretVersion "${originSecretVersion}": give the VersionId that put-secret-value printed`);
  }

  // With a custom domain, links in emails point to it unless told otherwise.
  const mail = mailSettingsFrom((key) => (key === 'webUrl' ? (context(key) ?? (domainName ? `https://${domainName}` : undefined)) : context(key)));
  return {
    stage,
    region,
    ...(domainName && certificateArn ? { domain: { name: domainName, certificateArn } } : {}),
    allowedOrigins,
    ...(alarmEmail ? { alarmEmail } : {}),
    webDist,
    ...(mail ? { mail } : {}),
    ...(originSecretVersion ? { originSecretVersion } : {}),
  };
}
