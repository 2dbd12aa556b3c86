/**
 * Bodies that used to be accepted and changed on the way in (issue #19, item 5):
 * bytes that are not UTF-8, and a `__proto__` key. Both are refused with 400
 * and leave what is stored exactly as it was.
 */
import { describe, expect, it } from 'vitest';
import { callRoute } from '../support/call-route.js';
import { createLink } from '../support/fixtures.js';
import { useTestTable } from '../support/test-table.js';

const table = useTestTable();

describe('a save whose body would be changed on the way in', () => {
  it('is refused for bytes that are not UTF-8, never stored as U+FFFD', async () => {
    // Arrange
    const link = await createLink();
    const path = `/api/s/${link.token}/responses/${link.instrument.id}`;
    await callRoute('PUT', path, { body: { answers: { anything_else: 'first words' }, language: 'en', complete: false, baseRevision: 0, pageName: 'second' } });
    const before = await table.scanAll();
    const body = Buffer.concat([
      Buffer.from('{"answers":{"anything_else":"caf'),
      Buffer.from([0xe9]), // Latin-1 é: not UTF-8
      Buffer.from('"},"language":"en","complete":false,"baseRevision":1,"pageName":"second"}'),
    ]);

    // Act: through the API Gateway stand-in, which passes bytes that are not UTF-8 base64-encoded.
    const refused = await callRoute('PUT', path, { headers: { 'content-type': 'application/json' }, body: body.toString('latin1'), rawBody: body });

    // Assert
    expect(refused.status).toBe(400);
    expect(refused.json.error.code).toBe('body_encoding_invalid');
    expect(await table.scanAll()).toEqual(before);
  });

  it.each([
    ['a plain key', '{"answers":{"__proto__":{"mood":1}},"language":"en","complete":false,"baseRevision":1,"pageName":"first"}'],
    ['an escaped key', '{"answers":{"\\u005f_proto__":{"mood":1}},"language":"en","complete":false,"baseRevision":1,"pageName":"first"}'],
  ])('is refused for a __proto__ key (%s), and the answers saved before are kept', async (_name, text) => {
    // Arrange
    const link = await createLink();
    const path = `/api/s/${link.token}/responses/${link.instrument.id}`;
    await callRoute('PUT', path, { body: { answers: { mood: 4 }, language: 'en', complete: false, baseRevision: 0, pageName: 'first' } });
    const before = await table.scanAll();

    // Act
    const refused = await callRoute('PUT', path, { headers: { 'content-type': 'application/json' }, body: text });
    const after = await table.scanAll();
    const reopened = await callRoute('GET', `/api/s/${link.token}`);

    // Assert
    expect(refused.status).toBe(400);
    expect(refused.json.error.message).toContain('__proto__');
    expect(after).toEqual(before);
    expect(JSON.stringify(reopened.json)).toContain('"mood":4');
  });
});
