/**
 * The client side of Cognito's SRP sign-in (USER_SRP_AUTH): the password never
 * leaves the browser, only a proof that the browser knows it. Cognito's
 * variant of SRP-6a with SHA-256 over the RFC 5054 3072-bit group, byte for
 * byte as AWS's own SDKs compute it (Amplify's AuthenticationHelper):
 *
 *   k = H(pad(N) | pad(g))          A = g^a mod N           u = H(pad(A) | pad(B))
 *   x = H(pad(salt) | H(poolName | userId | ":" | password))
 *   S = (B − k·g^x) ^ (a + u·x) mod N
 *   key = HKDF-SHA256(ikm = pad(S), salt = pad(u), info = "Caldera Derived Key", 16 bytes)
 *   PASSWORD_CLAIM_SIGNATURE = base64(HMAC-SHA256(key, poolName | userId | SECRET_BLOCK | TIMESTAMP))
 *
 * where H is SHA-256 of the bytes a hex string encodes, written as 64 hex
 * digits, and pad() is the shortest even-length hex of a number with a
 * leading 00 when its top bit is set (Java's BigInteger.toByteArray). BigInt
 * and WebCrypto only: no library.
 */

/** RFC 5054's 3072-bit prime, the group Cognito uses; g = 2. */
const N_HEX =
  'FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD' +
  'EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED' +
  'EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F' +
  '83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B' +
  'E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510' +
  '15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7' +
  'ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C' +
  'BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF';

export const N = BigInt(`0x${N_HEX}`);
export const g = BigInt(2);
const ZERO = BigInt(0);
const ONE = BigInt(1);

/** Shortest even-length hex, with 00 in front when the top bit is set (a non-negative number, as Java would encode it). */
export function padHex(value: bigint): string {
  if (value < ZERO) throw new Error('padHex: negative');
  let hex = value.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  return /^[89a-f]/.test(hex) ? `00${hex}` : hex;
}

export function hexToBytes(hex: string): Uint8Array<ArrayBuffer> {
  if (hex.length % 2 === 1 || /[^0-9a-fA-F]/.test(hex)) throw new Error('not hex');
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

export function bytesToHex(bytes: Uint8Array): string {
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

const utf8 = (text: string): Uint8Array<ArrayBuffer> => new TextEncoder().encode(text);

const concat = (...parts: Uint8Array[]): Uint8Array<ArrayBuffer> => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
};

async function sha256(bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
}

/** H over the bytes a hex string encodes, as 64 hex digits. */
export const hashHex = async (hex: string): Promise<string> => bytesToHex(await sha256(hexToBytes(hex)));
/** H over a text's UTF-8 bytes, as 64 hex digits. */
export const hashText = async (text: string): Promise<string> => bytesToHex(await sha256(utf8(text)));

/** base^exponent mod modulus, by squaring. */
export function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = ONE;
  let b = ((base % modulus) + modulus) % modulus;
  let e = exponent;
  while (e > ZERO) {
    if ((e & ONE) === ONE) result = (result * b) % modulus;
    e >>= ONE;
    b = (b * b) % modulus;
  }
  return result;
}

let multiplier: Promise<bigint> | undefined;
/** k = H(pad(N) | pad(g)), the same for every sign-in. */
export const k = (): Promise<bigint> => (multiplier ??= hashHex(padHex(N) + padHex(g)).then((hex) => BigInt(`0x${hex}`)));

/** The browser's ephemeral secret a and public A = g^a mod N, one pair per sign-in. */
export type SrpClient = { a: bigint; A: bigint };

export function startSrp(randomBytes: (length: number) => Uint8Array = (length) => crypto.getRandomValues(new Uint8Array(length))): SrpClient {
  for (;;) {
    // 128 random bytes, as AWS's SDKs use.
    const a = BigInt(`0x${bytesToHex(randomBytes(128))}`) % N;
    if (a === ZERO) continue;
    const A = modPow(g, a, N);
    if (A % N !== ZERO) return { a, A };
  }
}

/** What Cognito's PASSWORD_VERIFIER challenge gives, and what it checks the signature over. */
export type PasswordVerifierChallenge = {
  /** The part of the user pool id after the underscore. */
  poolName: string;
  /** USER_ID_FOR_SRP: the user's internal name (not necessarily the email typed in). */
  userId: string;
  password: string;
  /** SALT and SRP_B, hex. */
  salt: string;
  B: string;
  /** SECRET_BLOCK, base64: signed, and sent back unchanged. */
  secretBlock: string;
  /** TIMESTAMP, as cognitoTimestamp() writes it: signed, and sent back unchanged. */
  timestamp: string;
};

/** PASSWORD_CLAIM_SIGNATURE, base64. */
export async function passwordClaimSignature(client: SrpClient, challenge: PasswordVerifierChallenge): Promise<string> {
  const B = BigInt(`0x${challenge.B}`);
  if (B % N === ZERO) throw new Error('SRP: the server sent an invalid B');
  const u = BigInt(`0x${await hashHex(padHex(client.A) + padHex(B))}`);
  if (u === ZERO) throw new Error('SRP: u is zero');
  const x = BigInt(`0x${await hashHex(padHex(BigInt(`0x${challenge.salt}`)) + (await hashText(`${challenge.poolName}${challenge.userId}:${challenge.password}`)))}`);
  const S = modPow(B - (await k()) * modPow(g, x, N), client.a + u * x, N);

  const ikm = await crypto.subtle.importKey('raw', hexToBytes(padHex(S)), 'HKDF', false, ['deriveBits']);
  const hkdf = await crypto.subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt: hexToBytes(padHex(u)), info: utf8('Caldera Derived Key') }, ikm, 128);
  const key = await crypto.subtle.importKey('raw', hkdf, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const message = concat(utf8(challenge.poolName), utf8(challenge.userId), base64ToBytes(challenge.secretBlock), utf8(challenge.timestamp));
  return bytesToBase64(new Uint8Array(await crypto.subtle.sign('HMAC', key, message)));
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number) => String(n).padStart(2, '0');

/** "Tue Nov 3 09:05:07 UTC 2026": Cognito's TIMESTAMP (English names, day of the month not padded). */
export function cognitoTimestamp(date: Date): string {
  return `${WEEKDAYS[date.getUTCDay()]} ${MONTHS[date.getUTCMonth()]} ${date.getUTCDate()} ${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} UTC ${date.getUTCFullYear()}`;
}

export function base64ToBytes(base64: string): Uint8Array<ArrayBuffer> {
  const binary = atob(base64.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}
