/**
 * Password hashing with PBKDF2-HMAC-SHA256 through Web Crypto (available on Node and Workers,
 * computed off the JavaScript thread on Node). Stored form, self-describing so the iteration
 * count can be raised later without invalidating old hashes:
 *
 *   pbkdf2-sha256$<iterations>$<salt, base64>$<derived key, base64>
 *
 * Salts are 16 random bytes; derived keys 32 bytes. Verification re-derives with the stored
 * parameters and compares in constant time.
 */
import { fromBase64, randomBytes, timingSafeEqual, toBase64, utf8 } from './crypto-utils.ts';

const SCHEME = 'pbkdf2-sha256';
const SALT_BYTES = 16;
const KEY_BITS = 256;
/** Upper bound accepted from a stored hash, so a corrupted record cannot stall the proxy. */
const MAX_STORED_ITERATIONS = 10_000_000;

/** Hashes and checks passwords. Injected, so tests and other runtimes may choose their own. */
export interface PasswordHasher {
  /** A new salted hash of `password` in the stored form. */
  hash(password: string): Promise<string>;
  /** True when `password` matches `stored`; false also for a malformed `stored`. Never throws. */
  verify(password: string, stored: string): Promise<boolean>;
}

async function derive(password: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey('raw', utf8(password), 'PBKDF2', false, ['deriveBits']);
  const bits = await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, key, KEY_BITS);
  return new Uint8Array(bits);
}

/** The PBKDF2 hasher; `iterations` applies to new hashes (stored hashes carry their own). */
export function pbkdf2Hasher(iterations: number): PasswordHasher {
  if (!Number.isSafeInteger(iterations) || iterations < 1) throw new Error(`invalid PBKDF2 iteration count ${iterations}`);
  return {
    async hash(password) {
      const salt = randomBytes(SALT_BYTES);
      const dk = await derive(password, salt, iterations);
      return `${SCHEME}$${iterations}$${toBase64(salt)}$${toBase64(dk)}`;
    },
    async verify(password, stored) {
      const parts = stored.split('$');
      if (parts.length !== 4 || parts[0] !== SCHEME) return false;
      const n = Number(parts[1]);
      const salt = fromBase64(parts[2]);
      const expected = fromBase64(parts[3]);
      if (!Number.isSafeInteger(n) || n < 1 || n > MAX_STORED_ITERATIONS || !salt || !expected) return false;
      return timingSafeEqual(await derive(password, salt, n), expected);
    },
  };
}
