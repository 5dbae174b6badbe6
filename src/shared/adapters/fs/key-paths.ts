/**
 * Mapping between object keys and paths inside the fs object store.
 *
 * A key maps one-to-one onto a relative path: each '/'-separated segment becomes one path
 * component under the objects directory. Keys are checked before any path is built, so no key can
 * name a file outside the root: `isValidObjectKey` already rejects absolute keys, '..', '.' and
 * empty segments; this module additionally rejects what a POSIX filesystem cannot store
 * faithfully (over-long path components, backslashes, lone surrogates).
 */

import path from 'node:path';
import { isValidObjectKey } from '../../ports/object-store.ts';

/** Longest path component most filesystems accept (ext4, xfs, apfs, tmpfs), in UTF-8 bytes. */
export const MAX_SEGMENT_BYTES = 255;

/**
 * Why `key` cannot be stored, or null when it can.
 * Separate from the throwing variant so callers can build their own message.
 */
export function keyProblem(key: unknown): string | null {
  if (typeof key !== 'string') return `key must be a string, got ${typeof key}`;
  if (!isValidObjectKey(key)) {
    return (
      'key must be 1-1024 characters, must not start with "/", contain NUL, ' +
      'or have an empty, "." or ".." segment'
    );
  }
  if (Buffer.from(key, 'utf8').toString('utf8') !== key) {
    // A lone surrogate would be written as U+FFFD, so two distinct keys would share a file.
    return 'key must be well-formed Unicode (no lone surrogates)';
  }
  if (key.includes('\\')) {
    // Harmless on POSIX, but a separator on Windows: refuse it everywhere so a store directory
    // means the same thing on every platform.
    return 'key must not contain a backslash';
  }
  for (const segment of key.split('/')) {
    if (Buffer.byteLength(segment, 'utf8') > MAX_SEGMENT_BYTES) {
      return `every "/"-separated segment must be at most ${MAX_SEGMENT_BYTES} UTF-8 bytes`;
    }
  }
  return null;
}

/**
 * Throws an Error naming the key and the reason when the key cannot be stored. Called before any
 * filesystem access so a bad key never touches the disk.
 */
export function assertStorableKey(key: unknown): asserts key is string {
  const problem = keyProblem(key);
  if (problem !== null) {
    throw new Error(`invalid object key ${JSON.stringify(key)}: ${problem}`);
  }
}

/**
 * Absolute path of the file that holds `key`. The key must have passed `assertStorableKey`; the
 * containment check is a second line of defence against a key escaping the root.
 */
export function keyToPath(objectsDir: string, key: string): string {
  const full = path.join(objectsDir, ...key.split('/'));
  if (!full.startsWith(objectsDir + path.sep)) {
    throw new Error(`invalid object key ${JSON.stringify(key)}: resolves outside the store`);
  }
  return full;
}

/**
 * The deepest directory (as key segments) under which every key starting with `prefix` lives, or
 * null when no storable key can start with `prefix` (so list can answer [] without reading the
 * disk). The part after the last '/' is a partial segment and is matched while walking.
 */
export function listRoot(prefix: string): string[] | null {
  if (typeof prefix !== 'string') {
    throw new Error(`list prefix must be a string, got ${typeof prefix}`);
  }
  const cut = prefix.lastIndexOf('/');
  if (cut < 0) return [];
  const dir = prefix.slice(0, cut);
  // A prefix whose directory part is not itself a valid key ('/x', 'a//', '../') cannot be the
  // start of any valid key.
  return keyProblem(dir) === null ? dir.split('/') : null;
}

/**
 * Orders keys by their UTF-8 bytes (equivalently, by code point), the order S3 lists in, so every
 * adapter sorts the same way even for non-ASCII keys. Plain string comparison orders by UTF-16
 * code units, which differs for characters outside the Basic Multilingual Plane.
 */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
