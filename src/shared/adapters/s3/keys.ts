/**
 * Mapping between port keys and S3 object names, and the rules a key must follow.
 *
 * A port key `k` is stored as the object `<prefix>k` in the bucket. S3 accepts almost any
 * UTF-8 name, so the rules here are the port's (isValidObjectKey), plus what keeps names
 * faithful: well-formed Unicode (a lone surrogate would be sent as U+FFFD, so two keys would
 * share an object), no control characters (listings are XML 1.0, which cannot carry most of
 * them and normalises \r; servers return them mangled), and S3's limit of 1024 UTF-8 bytes for
 * the full name, prefix included.
 */

import { isValidObjectKey } from '../../ports/object-store.ts';
import { MAX_S3_KEY_BYTES } from './client.ts';

/**
 * Objects the adapter itself writes under the prefix (the conditional-write probe). Hidden from
 * listings, and refused as port keys so callers can never collide with them.
 */
export const RESERVED_PREFIX = '.quiver-internal/';

// eslint-disable-next-line no-control-regex -- exactly what this rule is about
const CONTROL_CHARACTER = /[\u0000-\u001f]/;

export class KeyMapper {
  private readonly prefixBytes: number;

  constructor(readonly prefix: string) {
    this.prefixBytes = Buffer.byteLength(prefix, 'utf8');
  }

  /**
   * The object name of `key`. Throws a plain Error (before any request) for a key the port
   * does not allow or S3 cannot store.
   */
  toObjectName(key: unknown): string {
    if (typeof key !== 'string') throw new Error(`invalid object key: must be a string, got ${typeof key}`);
    if (!isValidObjectKey(key)) {
      throw new Error(
        `invalid object key ${JSON.stringify(key.slice(0, 100))}: must be 1-1024 characters, must not ` +
          'start with "/", contain NUL, or have an empty, "." or ".." segment',
      );
    }
    if (!isWellFormed(key)) {
      throw new Error(`invalid object key ${JSON.stringify(key)}: must be well-formed Unicode (no lone surrogates)`);
    }
    if (CONTROL_CHARACTER.test(key)) {
      throw new Error(`invalid object key ${JSON.stringify(key)}: must not contain control characters`);
    }
    if (key.startsWith(RESERVED_PREFIX)) {
      throw new Error(`invalid object key ${JSON.stringify(key)}: ${RESERVED_PREFIX} is reserved for the store itself`);
    }
    if (this.prefixBytes + Buffer.byteLength(key, 'utf8') > MAX_S3_KEY_BYTES) {
      throw new Error(
        `invalid object key ${JSON.stringify(key.slice(0, 100))}: with the store prefix it exceeds ` +
          `S3's limit of ${MAX_S3_KEY_BYTES} UTF-8 bytes`,
      );
    }
    return this.prefix + key;
  }

  /**
   * The S3 prefix to list for a port prefix, or null when no valid key can start with it (so
   * the listing is empty without asking the server).
   */
  toListPrefix(prefix: unknown): string | null {
    if (typeof prefix !== 'string') throw new Error(`list prefix must be a string, got ${typeof prefix}`);
    if (prefix.startsWith('/') || prefix.includes('\0') || !isWellFormed(prefix)) return null;
    return this.prefix + prefix;
  }

  /**
   * The port key of a listed object name, or null for names that are not port keys: outside the
   * prefix, the adapter's own reserved objects, or names other tools wrote that the port could
   * never address (e.g. "folder/" markers) — listing those would hand callers keys they cannot
   * get or delete.
   */
  fromObjectName(name: string): string | null {
    if (!name.startsWith(this.prefix)) return null;
    const key = name.slice(this.prefix.length);
    if (key.startsWith(RESERVED_PREFIX) || !isValidObjectKey(key)) return null;
    return key;
  }
}

/** Orders strings by their UTF-8 bytes, which is S3's listing order (and the fs store's). */
export function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function isWellFormed(text: string): boolean {
  return Buffer.from(text, 'utf8').toString('utf8') === text;
}
