/**
 * Hostile and broken request bodies and path parameters, as fast-check
 * arbitraries, built from one valid example body per route; and the checks a
 * refusal must pass.
 */
import fc from 'fast-check';

export type Category = 'malformed JSON' | 'wrong types' | 'oversized' | 'deeply nested' | 'odd Unicode' | 'wrong content type';
export const CATEGORIES: readonly Category[] = ['malformed JSON', 'wrong types', 'oversized', 'deeply nested', 'odd Unicode', 'wrong content type'];

/** A valid body for a route: what the mutations start from. */
export type Sample = {
  contentType: 'application/json' | 'text/csv';
  body: unknown;
  /** Top-level keys whose insides are free-form (SurveyJS JSON): replaced whole, never mutated inside. */
  opaque?: string[];
};

/** contentType: absent, the route's own; null, no Content-Type header at all. */
export type BadBody = { contentType?: string | null; body: string; note: string };

/** Lone surrogates, bidirectional overrides, NUL and other controls, BOMs, non-characters, combining marks, Welsh. */
const ODD = ['\uD800', '\uDBFF', '\uDC00', '\uDFFF', '\u202E', '\u202D', '\u200F', '\u2066', '\u0000', '\u0001', '\u001B', '\u007F', '\uFEFF', '\uFFFE', '\uFFFF', '\u0085', '\u2028', '\u0301', '\u00A0', '🏴󠁧󠁢󠁷󠁬󠁳󠁿', 'ŵ', 'ŷ'];
export const oddUnicode = fc.array(fc.constantFrom(...ODD, 'a', '<', '"', '\\', '/', '%'), { minLength: 1, maxLength: 24 }).map((parts) => parts.join(''));

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const LIMIT_10_MB = 10 * 1024 * 1024;

type Path = (string | number)[];
const typeOf = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);

/** Every path into the sample that may be mutated (not inside opaque keys). */
function pathsOf(value: unknown, opaque: string[], prefix: Path = []): Path[] {
  if (value === null || typeof value !== 'object') return [];
  if (prefix.length === 1 && opaque.includes(String(prefix[0]))) return [];
  const entries: [string | number, unknown][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  return entries.flatMap(([key, child]) => [[...prefix, key], ...pathsOf(child, opaque, [...prefix, key])]);
}

function replaceAt(value: unknown, path: Path, replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const [key, ...rest] = path;
  const copy: any = Array.isArray(value) ? [...value] : { ...(value as object) };
  copy[key!] = replaceAt(copy[key!], rest, replacement);
  return copy;
}

function valueAt(value: unknown, path: Path): unknown {
  return path.reduce<any>((v, key) => v?.[key], value);
}

const jsonValue = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.string(),
  fc.array(fc.jsonValue(), { maxLength: 4 }),
  fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 4 }),
);

/** The sample with one field (or the whole body) replaced by a value of another JSON type. */
function wrongTypes(sample: Sample): fc.Arbitrary<BadBody> {
  const paths = pathsOf(sample.body, sample.opaque ?? []);
  const mutated = fc
    .tuple(fc.constantFrom<Path>([], ...paths), jsonValue)
    .filter(([path, value]) => typeOf(value) !== typeOf(valueAt(sample.body, path)))
    .map(([path, value]) => ({ body: JSON.stringify(replaceAt(sample.body, path, value)), note: `${path.join('.') || '(body)'} as ${typeOf(value)}` }));
  if (sample.contentType !== 'text/csv') return mutated;
  // A CSV: JSON instead, cells that are not participant codes, columns the study does not declare.
  const csv = fc.oneof(
    fc.constant({ body: JSON.stringify({ participant_code: 'P-900' }), note: 'JSON as CSV' }),
    fc.array(fc.oneof(fc.integer({ max: -1 }).map(String), fc.constantFrom('', ' ', 'P 1', 'P,1', '"P-1', '=1+1', 'a'.repeat(41))), { minLength: 1, maxLength: 5 })
      .map((codes) => ({ body: ['participant_code', ...codes].join('\n'), note: `codes ${JSON.stringify(codes)}` })),
    fc.stringMatching(/^[a-z_]{1,12}$/).filter((column) => column !== 'participant_code').map((column) => ({ body: `participant_code,${column}\nP-901,x\n`, note: `column ${column}` })),
  );
  return fc.oneof(mutated, csv);
}

function malformedJson(sample: Sample): fc.Arbitrary<BadBody> {
  const text = typeof sample.body === 'string' ? sample.body : JSON.stringify(sample.body);
  const notJson = (candidate: string) => {
    try {
      JSON.parse(candidate);
      return false;
    } catch {
      return true;
    }
  };
  return fc
    .oneof(
      fc.integer({ min: 0, max: Math.max(0, text.length - 1) }).map((end) => JSON.stringify(sample.body).slice(0, end)),
      fc.constantFrom('{', '}', '{"a":}', "{'a': 1}", '{"a":1,}', '[1,2', 'NaN', 'undefined', '{"a":01}', '{"a":"\\x41"}', '{"a" 1}', '\u0000', '{}}', 'tru', '"unterminated', 'participant_code\n"P-1', 'participant_code\nP-1,"x'),
      fc.string(),
    )
    .filter((body) => sample.contentType === 'text/csv' || notJson(body))
    .map((body) => ({ body, note: `${JSON.stringify(body.slice(0, 40))}…` }));
}

/** Bodies from 100 KB (big, under every route's limit) to just over the HTTP API's 10 MB. */
function oversized(sample: Sample): fc.Arbitrary<BadBody> {
  return fc.constantFrom(100 * 1024, 300 * 1024, 1024 * 1024 + 1, 2 * 1024 * 1024 + 1, LIMIT_10_MB - 1024).map((bytes) => {
    if (sample.contentType === 'text/csv') {
      const rows = Math.ceil(bytes / 10);
      return { body: ['participant_code', ...Array.from({ length: rows }, (_, i) => `BIG-${String(i).padStart(5, '0')}`)].join('\n'), note: `${rows} rows` };
    }
    const padding = 'x'.repeat(bytes);
    return { body: JSON.stringify({ ...(sample.body as object), padding }), note: `${bytes} bytes` };
  });
}

/** Arrays or objects nested thousands deep, as the whole body or in place of one field. */
function deeplyNested(sample: Sample): fc.Arbitrary<BadBody> {
  const paths = pathsOf(sample.body, sample.opaque ?? []);
  return fc.tuple(fc.integer({ min: 100, max: 50_000 }), fc.boolean(), fc.constantFrom<Path>([], ...paths)).map(([depth, arrays, path]) => {
    const deep = arrays ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
    const marker = '"__deep__"';
    const body = path.length === 0 || typeof sample.body === 'string' ? deep : JSON.stringify(replaceAt(sample.body, path, '__deep__')).replace(marker, deep);
    return { body, note: `${depth} deep ${arrays ? 'arrays' : 'objects'} at ${path.join('.') || '(body)'}` };
  });
}

/**
 * One string field (or CSV cell) made very long, ending as it did (so an email
 * address stays one): not always invalid (a title may be long), so the promise
 * is weaker: refused with a JSON 4xx or accepted, never a 5xx.
 */
export function longStrings(sample: Sample): fc.Arbitrary<BadBody> {
  const long = fc.tuple(fc.integer({ min: 1025, max: 5000 }), fc.constantFrom('a', 'ŵ', '🏴', '\u0000')).map(([n, char]) => char.repeat(n));
  if (sample.contentType === 'text/csv') return long.map((text) => ({ body: `participant_code\n${text}\n`, note: `a ${text.length}-character code` }));
  const paths = stringPaths(sample);
  if (paths.length === 0) return long.map((text) => ({ body: JSON.stringify({ ...(sample.body as object), [text]: 1 }), note: `a ${text.length}-character key` }));
  return fc.tuple(fc.constantFrom(...paths), long).map(([path, text]) => lengthened(sample, path, text));
}

/** Every string field of the sample lengthened past DynamoDB's largest key once: run first, so no field is left to chance. */
export function longStringExamples(sample: Sample): [BadBody][] {
  return stringPaths(sample).map((path) => [lengthened(sample, path, 'a'.repeat(3000))]);
}

const stringPaths = (sample: Sample) => pathsOf(sample.body, sample.opaque ?? []).filter((path) => typeof valueAt(sample.body, path) === 'string');

function lengthened(sample: Sample, path: Path, text: string): BadBody {
  const value = `${text}${valueAt(sample.body, path) as string}`;
  return { body: JSON.stringify(replaceAt(sample.body, path, value)), note: `${path.join('.')}: ${value.length} characters` };
}

/** Odd Unicode where it cannot be valid: as the body, as an undeclared key, in place of a non-string field, as CSV codes. */
function oddUnicodeBodies(sample: Sample): fc.Arbitrary<BadBody> {
  const nonStringPaths = pathsOf(sample.body, sample.opaque ?? []).filter((path) => typeof valueAt(sample.body, path) !== 'string');
  const options: fc.Arbitrary<BadBody>[] = [oddUnicode.map((text) => ({ body: text, note: `body ${JSON.stringify(text)}` }))];
  if (sample.contentType === 'text/csv') {
    options.push(fc.array(oddUnicode, { minLength: 1, maxLength: 4 }).map((codes) => ({ body: ['participant_code', ...codes].join('\n'), note: `codes ${JSON.stringify(codes)}` })));
  } else {
    options.push(oddUnicode.map((key) => ({ body: JSON.stringify({ ...(sample.body as object), [key]: 1 }), note: `key ${JSON.stringify(key)}` })));
    options.push(oddUnicode.map((text) => ({ body: JSON.stringify(text), note: `JSON string ${JSON.stringify(text)}` })));
    if (nonStringPaths.length > 0) {
      options.push(
        fc.tuple(fc.constantFrom(...nonStringPaths), oddUnicode).map(([path, text]) => ({ body: JSON.stringify(replaceAt(sample.body, path, text)), note: `${path.join('.')} = ${JSON.stringify(text)}` })),
      );
    }
  }
  return fc.oneof(...options);
}

/** The valid body under a content type the route does not take (or none). */
function wrongContentType(sample: Sample): fc.Arbitrary<BadBody> {
  const body = typeof sample.body === 'string' ? sample.body : JSON.stringify(sample.body);
  const others = ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'text/html', 'application/octet-stream', 'image/png', 'application/jsonl', 'text/json', ' application/json', 'json', 'application/csv', 'text/tsv'];
  return fc
    .oneof(fc.constantFrom<string | null>(null, ...others), fc.string({ maxLength: 40 }))
    .filter((type) => type === null || !type.toLowerCase().startsWith(sample.contentType))
    .map((contentType) => ({ body, contentType, note: `content-type ${JSON.stringify(contentType)}` }));
}

export function badBodies(category: Category, sample: Sample): fc.Arbitrary<BadBody> {
  switch (category) {
    case 'malformed JSON':
      return malformedJson(sample);
    case 'wrong types':
      return wrongTypes(sample);
    case 'oversized':
      return oversized(sample);
    case 'deeply nested':
      return deeplyNested(sample);
    case 'odd Unicode':
      return oddUnicodeBodies(sample);
    case 'wrong content type':
      return wrongContentType(sample);
  }
}

/**
 * Path parameter values that name nothing: odd Unicode, very long, key
 * separators and injection attempts, and well-formed ids that do not exist.
 * Not "." or "..": URL parsing resolves those before any route is matched.
 */
export const badPathParameter = fc
  .oneof(
    oddUnicode,
    fc.string({ minLength: 1, maxLength: 64 }),
    fc.integer({ min: 1025, max: 3000 }).map((n) => 'a'.repeat(n)),
    fc.constantFrom('null', 'undefined', '__proto__', 'constructor', "' OR '1'='1", '{"$ne":null}', 'STUDY#x#P#P-001', '#', '*', ' ', '\t', '%', '%00', '\\', 'P-001 ', 'baseline\u0000'),
    fc.stringMatching(/^[A-Za-z0-9_-]{24}$/),
    fc.stringMatching(/^[a-z][a-z0-9-]{1,20}$/).map((id) => `no-such-${id}`),
  )
  // A lone surrogate has no URL encoding at all: the HTTP tests send undecodable escapes instead.
  .filter((value) => value !== '.' && value !== '..' && value.length > 0 && !LONE_SURROGATE.test(value));

/** Encodes a path parameter as a client would. */
export function encodePathParameter(value: string): string {
  return encodeURIComponent(value);
}

/** What a refusal must look like: 4xx, a JSON error with a code and a message, nothing about our insides. */
export function refusalProblems(result: { status: number; text: string; json: any; headers: Record<string, string> }): string[] {
  const problems: string[] = [];
  if (result.status < 400 || result.status > 499) problems.push(`status ${result.status}`);
  problems.push(...leakProblems(result.text));
  const error = result.json?.error;
  if (typeof error?.code !== 'string' || !/^[a-z_]+$/.test(error.code) || typeof error?.message !== 'string' || error.message.length === 0) {
    problems.push(`no JSON error body: ${result.text.slice(0, 120)}`);
  }
  if (!/^application\/json/.test(result.headers['content-type'] ?? '')) problems.push(`content-type ${result.headers['content-type']}`);
  return problems;
}

const LEAKS: [RegExp, string][] = [
  [/\n\s+at\s/, 'a stack trace'],
  [/\.(ts|js|mjs|cjs):\d+/, 'a source location'],
  [/node_modules|\/work\/|file:\/\/|\/home\/|\/tmp\//, 'an internal path'],
  [/\b(TypeError|RangeError|SyntaxError|ReferenceError|ValidationException|ResourceNotFoundException|TransactionCanceled|ConditionalCheckFailed)\b/, 'an internal error name'],
];

export function leakProblems(text: string): string[] {
  return LEAKS.filter(([pattern]) => pattern.test(text)).map(([, what]) => `body shows ${what}: ${text.slice(0, 160)}`);
}
