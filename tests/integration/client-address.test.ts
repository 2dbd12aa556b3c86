/**
 * The bad-token limit counts people, not CloudFront (issue #19, item 7).
 * Behind CloudFront, API Gateway's sourceIp is the edge server's address:
 * the limit is keyed on the viewer's address from CloudFront-Viewer-Address,
 * trusted only on a request whose origin secret was checked (AWS mode). In
 * embedded mode there is no CloudFront, and the header is the client's own
 * word: it is ignored.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { reloadConfig } from '../../functions/config.js';
import { VIEWER_ADDRESS_HEADER, viewerAddressOf } from '../../functions/http/client-address.js';
import { ORIGIN_VERIFY_HEADER } from '../../functions/http/origin-verify.js';
import { BAD_TOKEN_POLICY } from '../../functions/http/personal-link.js';
import { newLinkToken } from '../../functions/domain/tokens.js';
import { callRoute } from '../support/call-route.js';
import { useTestTable } from '../support/test-table.js';

const table = useTestTable();

const SECRET = 'Q7dVxk2Lr9WmP4sT8yHc3NbJ6fGa1ZeU5oKi0RwXqDvBn';

/** A bad token, sent as it would reach the function: from `sourceIp`, with these headers. */
const badToken = (sourceIp: string, headers: Record<string, string> = {}) => callRoute('GET', `/api/s/${newLinkToken()}`, { sourceIp, headers });

/** Through CloudFront: the origin secret, and the viewer's address as CloudFront writes it (if any). */
const viaCloudFront = (viewerAddress?: string) => ({
  [ORIGIN_VERIFY_HEADER]: SECRET,
  ...(viewerAddress === undefined ? {} : { [VIEWER_ADDRESS_HEADER]: viewerAddress }),
});

async function useUpBadTokens(sourceIp: string, headers: () => Record<string, string>) {
  for (let i = 0; i < BAD_TOKEN_POLICY.limit; i++) {
    const miss = await badToken(sourceIp, headers());
    expect(miss.status).toBe(404);
  }
}

describe('behind CloudFront (AWS mode: the origin secret is checked)', () => {
  beforeEach(() => {
    process.env.ORIGIN_VERIFY_SECRET = SECRET;
    reloadConfig();
  });
  afterEach(() => {
    // Back to embedded mode; the table's settings (useTestTable) stay.
    delete process.env.ORIGIN_VERIFY_SECRET;
    reloadConfig();
  });

  it('counts each viewer on its own, though all come from one edge server', async () => {
    const edge = '130.176.0.10';
    // One viewer uses up its bad tokens (each request on a new connection: a new source port).
    let port = 50_000;
    await useUpBadTokens(edge, () => viaCloudFront(`198.51.100.7:${port++}`));
    const blocked = await badToken(edge, viaCloudFront('198.51.100.7:61000'));
    expect(blocked.status).toBe(429);
    expect(blocked.json.error.code).toBe('too_many_attempts');

    // Someone else on the same edge, IPv4 or IPv6, still gets the plain 404.
    expect((await badToken(edge, viaCloudFront('203.0.113.9:443'))).status).toBe(404);
    expect((await badToken(edge, viaCloudFront('2001:db8:a:b::9:51234'))).status).toBe(404);
    // The one who used them up stays blocked through another edge: it is the viewer that is counted.
    expect((await badToken('130.176.99.99', viaCloudFront('198.51.100.7:443'))).status).toBe(429);

    // No address, the edge's or the viewer's, is stored.
    const stored = JSON.stringify(await table.scanAll());
    for (const address of [edge, '198.51.100.7', '203.0.113.9', '2001:db8:a:b']) expect(stored).not.toContain(address);
  });

  it('counts an IPv6 viewer by its /64 network, whichever address in it the device picks', async () => {
    const edge = '130.176.0.11';
    let host = 1;
    await useUpBadTokens(edge, () => viaCloudFront(`2001:db8:c:d::${(host++).toString(16)}:443`));
    expect((await badToken(edge, viaCloudFront('2001:db8:c:d:ffff:1:2:3:443'))).status).toBe(429);
    expect((await badToken(edge, viaCloudFront('2001:db8:c:e::1:443'))).status).toBe(404);
  });

  it('counts requests without a usable viewer address against the edge, never against a viewer', async () => {
    const edge = '130.176.0.12';
    const unusable = ['', 'unknown', '198.51.100.70', '198.51.100.70:99999', '198.51.100.70:1, 203.0.113.90:2', 'not-an-address:443'];
    let i = 0;
    await useUpBadTokens(edge, () => viaCloudFront(unusable[i++ % unusable.length]));
    // All of those shared one count: the edge's.
    expect((await badToken(edge, viaCloudFront())).status).toBe(429);
    // Real viewers on that edge, the one named in the malformed values included, are not charged for them.
    expect((await badToken(edge, viaCloudFront('198.51.100.70:443'))).status).toBe(404);
    expect((await badToken(edge, viaCloudFront('203.0.113.90:443'))).status).toBe(404);
  });
});

describe('embedded mode (no CloudFront, nothing checked)', () => {
  it('ignores CloudFront-Viewer-Address: a client cannot name a new address for each guess', async () => {
    const client = '192.0.2.44';
    let n = 1;
    await useUpBadTokens(client, () => ({ [VIEWER_ADDRESS_HEADER]: `198.51.100.${n++}:443` }));
    expect((await badToken(client, { [VIEWER_ADDRESS_HEADER]: '203.0.113.200:443' })).status).toBe(429);
    // Nor can it charge someone else's address: another client is unaffected.
    expect((await badToken('192.0.2.45', { [VIEWER_ADDRESS_HEADER]: `198.51.100.1:443` })).status).toBe(404);
  });
});

describe('reading CloudFront-Viewer-Address', () => {
  it('takes the address and drops the port, IPv6 unbracketed as CloudFront writes it', () => {
    expect(viewerAddressOf('198.51.100.10:46532')).toBe('198.51.100.10');
    expect(viewerAddressOf(' 198.51.100.10:1 ')).toBe('198.51.100.10');
    expect(viewerAddressOf('2406:2d40:728d:fa10::c4a:42838')).toBe('2406:2d40:728d:fa10::/64');
    expect(viewerAddressOf('2001:0db8:0000:0001:aaaa:bbbb:cccc:dddd:1')).toBe('2001:db8:0:1::/64');
    expect(viewerAddressOf('2001:db8::1:443')).toBe('2001:db8:0:0::/64');
    expect(viewerAddressOf('[2001:db8::1]:443')).toBe('2001:db8:0:0::/64');
    // IPv4 written as IPv6 is that IPv4 address, not a /64 all of IPv4 would share.
    expect(viewerAddressOf('::ffff:192.0.2.1:80')).toBe('192.0.2.1');
  });

  it('refuses anything else', () => {
    for (const value of [undefined, '', '198.51.100.10', '198.51.100.10:', '198.51.100.10:65536', '198.51.100.10:-1', '999.1.1.1:1', 'example.org:443', '1.2.3.4:1,5.6.7.8:2', '2001:db8:1:2:3:4:5:6', 'fe80::1%eth0:443', '[2001:db8::1:443']) {
      expect(viewerAddressOf(value), String(value)).toBeUndefined();
    }
  });
});
