/**
 * API keys: `qv_<id>_<secret>`, where the id (16 hex characters) names the stored record and the
 * secret is 32 random bytes in URL-safe base64. Only SHA-256 of the secret is stored. A fast hash
 * is enough here: unlike a password, a 256-bit random secret cannot be guessed, so a stolen
 * record gives nothing usable. The text has no ':' so `Bearer <key>` is never read as
 * `Bearer user:password`.
 */
import { fromBase64, randomBytes, sha256, timingSafeEqual, toBase64, toBase64Url, toHex, utf8 } from './crypto-utils.ts';

const PREFIX = 'qv_';
const ID_BYTES = 8;
const SECRET_BYTES = 32;
const KEY_PATTERN = /^qv_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

/** A freshly made key: the text to hand out once, and what to store. */
export interface NewApiKey {
  id: string;
  /** The whole key; shown to the caller once and never stored. */
  text: string;
  /** Base64 SHA-256 of the secret part. */
  secretHash: string;
}

/** Makes a key with a random id and secret. */
export async function generateApiKey(): Promise<NewApiKey> {
  const id = toHex(randomBytes(ID_BYTES));
  const secret = toBase64Url(randomBytes(SECRET_BYTES));
  return { id, text: `${PREFIX}${id}_${secret}`, secretHash: toBase64(await sha256(utf8(secret))) };
}

/** Splits key text into id and secret; null when it does not have the key's shape. */
export function parseApiKey(text: string): { id: string; secret: string } | null {
  const m = KEY_PATTERN.exec(text);
  return m ? { id: m[1], secret: m[2] } : null;
}

/** True when `secret` hashes to `storedHash` (constant-time comparison). */
export async function apiKeyMatches(secret: string, storedHash: string): Promise<boolean> {
  const expected = fromBase64(storedHash);
  if (!expected) return false;
  return timingSafeEqual(await sha256(utf8(secret)), expected);
}
