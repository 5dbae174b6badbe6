/**
 * The semantics of one coordinator commit, independent of the storage engine: input validation,
 * condition checks and the version scheme. local-coordinator.ts runs `applyCommit` inside one
 * database transaction, which makes the whole read-check-write sequence atomic.
 *
 * Versions come from one global revision counter, as in etcd: every commit that changes at least
 * one key takes the next revision, and every key it puts gets that revision as its version. So a
 * key's version increases on every change, and a key deleted and created again never reuses a
 * version it had before (its new version is above every revision handed out so far).
 */

import type { CommitOp } from '../../ports/coordinator.ts';

/** The stored form of one key. */
export interface StoredEntry {
  value: string;
  /** Revision of the commit that last put this key; at least 1. */
  version: number;
}

/** Storage seen from inside one open transaction; reads observe the transaction's own writes. */
export interface TransactionView {
  get(key: string): StoredEntry | undefined;
  put(key: string, entry: StoredEntry): void;
  remove(key: string): void;
  /** The last revision handed out (0 for a new store). */
  readRevision(): number;
  writeRevision(revision: number): void;
}

export type CommitOutcome =
  | {
      ok: true;
      /** New version of every key whose last op in the commit was a put. */
      versions: Record<string, number>;
      /** Keys that were created, overwritten or deleted, in op order, without duplicates. */
      changed: string[];
    }
  | { ok: false; key: string; actualVersion: number | null };

/** Longest key in UTF-8 bytes; well below LMDB's 1978-byte key limit. */
export const MAX_KEY_BYTES = 1024;

/**
 * Throws an Error saying why when `key` is not a usable coordinator key: a non-empty string of
 * well-formed Unicode, at most MAX_KEY_BYTES UTF-8 bytes.
 */
export function assertValidKey(key: unknown, what = 'key'): asserts key is string {
  if (typeof key !== 'string' || key.length === 0) {
    throw new Error(`coordinator ${what} must be a non-empty string, got ${JSON.stringify(key)}`);
  }
  assertWellFormed(key, what);
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) {
    throw new Error(`coordinator ${what} is longer than ${MAX_KEY_BYTES} UTF-8 bytes`);
  }
}

/**
 * Throws when `text` holds a lone surrogate: stored as UTF-8 it would become U+FFFD, so two
 * distinct keys (or a key and a prefix) would collide.
 */
export function assertWellFormed(text: string, what: string): void {
  if (Buffer.from(text, 'utf8').toString('utf8') !== text) {
    throw new Error(`coordinator ${what} must be well-formed Unicode (no lone surrogates)`);
  }
}

/**
 * Throws an Error describing the first malformed op (unknown kind, bad key, non-string value,
 * expectedVersion that is not null / a positive integer, check without a condition). Runs
 * before the transaction so a malformed commit changes nothing.
 */
export function validateOps(ops: readonly CommitOp[]): void {
  if (!Array.isArray(ops)) throw new Error('commit expects an array of ops');
  ops.forEach((op, index) => {
    const where = `commit op #${index}`;
    if (typeof op !== 'object' || op === null) throw new Error(`${where} is not an object`);
    if (op.kind !== 'put' && op.kind !== 'delete' && op.kind !== 'check') {
      throw new Error(`${where} has unknown kind ${JSON.stringify((op as { kind: unknown }).kind)}`);
    }
    assertValidKey(op.key, `key of ${where}`);
    if (op.kind === 'put' && typeof op.value !== 'string') {
      throw new Error(`${where} (put ${op.key}) needs a string value`);
    }
    const expected = op.expectedVersion;
    if (op.kind === 'check' && expected === undefined) {
      throw new Error(`${where} (check ${op.key}) needs expectedVersion (a version or null)`);
    }
    if (
      expected !== undefined &&
      expected !== null &&
      !(typeof expected === 'number' && Number.isSafeInteger(expected) && expected > 0)
    ) {
      throw new Error(`${where} (${op.key}) has invalid expectedVersion ${String(expected)}`);
    }
  });
}

/**
 * Checks every condition against the state before the commit, then applies all ops in order.
 * Returns the first failing key (and its current version) without writing anything when a
 * condition fails. Must run inside one transaction; `ops` must have passed `validateOps`.
 */
export function applyCommit(view: TransactionView, ops: readonly CommitOp[]): CommitOutcome {
  for (const op of ops) {
    if (op.expectedVersion === undefined) continue;
    const actualVersion = view.get(op.key)?.version ?? null;
    if (actualVersion !== op.expectedVersion) return { ok: false, key: op.key, actualVersion };
  }

  const revision = view.readRevision() + 1;
  const versions: Record<string, number> = {};
  const changed = new Set<string>();
  for (const op of ops) {
    if (op.kind === 'put') {
      view.put(op.key, { value: op.value, version: revision });
      versions[op.key] = revision;
      changed.add(op.key);
    } else if (op.kind === 'delete') {
      // Deleting an absent key is a successful no-op, not a change watchers hear about.
      if (view.get(op.key) !== undefined) {
        view.remove(op.key);
        changed.add(op.key);
      }
      delete versions[op.key];
    }
  }
  // Commits that change nothing (only checks, or deletes of absent keys) use up no revision.
  if (changed.size > 0) view.writeRevision(revision);
  return { ok: true, versions, changed: [...changed] };
}
