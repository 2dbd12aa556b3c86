/**
 * Who a request comes from, for per-client rate limits (bad personal-link
 * tokens: personal-link.ts). Only ever hashed into a counter's key, never stored.
 *
 * Behind CloudFront, API Gateway's `sourceIp` is the CloudFront server that
 * forwarded the request, not the person: keyed on it, everyone reaching Pont
 * through one edge would share one count. CloudFront sends the viewer's own
 * address in the CloudFront-Viewer-Address header (the API behaviour's origin
 * request policy forwards it: infra/aws/site.ts). That header is trusted only
 * on a request whose origin secret was checked (origin-verify.ts): in embedded
 * mode there is no CloudFront, nothing is checked, and a client could name any
 * address it liked in it, so `sourceIp` (the socket's address) is used.
 */
import { isIP } from 'node:net';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { cameThroughCloudFront } from './origin-verify.js';

/** The header CloudFront adds (API Gateway hands headers to functions lower-cased). */
export const VIEWER_ADDRESS_HEADER = 'cloudfront-viewer-address';

let warnedMissing = false;

/** The address a request's rate limits are counted against. */
export function clientAddress(event: APIGatewayProxyEventV2): string {
  const sourceIp = event.requestContext?.http?.sourceIp ?? 'unknown';
  if (!cameThroughCloudFront(event)) return sourceIp;
  const viewer = viewerAddressOf(event.headers?.[VIEWER_ADDRESS_HEADER]);
  if (viewer) return viewer;
  // Absent or malformed: CloudFront sets the header on every request the origin
  // request policy forwards it for, so this means that policy changed (or
  // CloudFront's format did). Such requests are counted against the edge
  // (sourceIp), as before the header was used: they share one count with each
  // other, never with a viewer whose address is known, so a broken or forged
  // value cannot charge someone else's count or escape counting altogether.
  if (!warnedMissing) {
    warnedMissing = true;
    console.warn(
      JSON.stringify({
        level: 'warn',
        message: 'CloudFront-Viewer-Address is missing or malformed: rate limits count this edge, not the viewer. Check the API behaviour\'s origin request policy.',
      }),
    );
  }
  return sourceIp;
}

/**
 * The viewer's address from CloudFront-Viewer-Address, or undefined if the
 * value is not one. CloudFront's format is the address, a colon and the
 * viewer's source port, IPv6 unbracketed: `198.51.100.10:46532`,
 * `2001:db8::8a2e:370:7334:46532`. The port is dropped (it changes with every
 * connection). An IPv6 address counts as its /64 network: one home or one
 * phone's mobile connection gets a whole /64 and picks new addresses in it at
 * will (privacy addresses), so a single address would neither hold a guesser
 * nor keep one person's count together.
 */
export function viewerAddressOf(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const text = value.trim();
  const separator = text.lastIndexOf(':');
  if (separator <= 0) return undefined;
  const port = text.slice(separator + 1);
  if (!/^\d{1,5}$/.test(port) || Number(port) > 65535) return undefined;
  let address = text.slice(0, separator);
  // Also the bracketed form ([2001:db8::1]:443), should CloudFront ever send it.
  if (address.startsWith('[') && address.endsWith(']')) address = address.slice(1, -1);
  if (address.includes('%')) return undefined;
  const family = isIP(address);
  if (family === 4) return address;
  if (family !== 6) return undefined;
  // An IPv4 address written as IPv6 (::ffff:192.0.2.1) is that IPv4 address, not a /64 shared by all of IPv4.
  const embedded = address.slice(address.lastIndexOf(':') + 1);
  if (isIP(embedded) === 4) return embedded;
  return ipv6Network64(address);
}

/** `2001:db8:0:1::/64` for any address in that network, whatever its spelling. */
function ipv6Network64(address: string): string {
  const [head = '', tail] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((group) => parseInt(group, 16).toString(16))
    .join(':')}::/64`;
}
