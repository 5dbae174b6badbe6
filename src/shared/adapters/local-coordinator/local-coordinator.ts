/**
 * Coordinator for the standalone shape: in-process, persisted to an LMDB environment on disk.
 *
 * Durability: the environment is opened with synchronous commits (overlappingSync off, noSync
 * off), so a commit's transaction promise resolves only after LMDB has fsynced it; state that
 * commit() reported survives kill -9 and power loss. Atomicity and isolation: each commit runs
 * its checks and writes in one LMDB child transaction (commit-ops.ts), so it applies entirely or
 * not at all, and concurrent commits are serialised by LMDB's single writer.
 *
 * Scope: one open instance per path, serving the callers inside this OS process. Watches and
 * leases are in memory (see watch-hub.ts and lease-table.ts).
 */

import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { open, type Database, type RootDatabase } from 'lmdb';
import {
  ConflictError,
  CoordinatorUnavailableError,
  type CommitOp,
  type Coordinator,
  type ProcessInfo,
  type VersionedValue,
} from '../../ports/coordinator.ts';
import {
  applyCommit,
  assertValidKey,
  assertWellFormed,
  validateOps,
  type StoredEntry,
  type TransactionView,
} from './commit-ops.ts';
import { LeaseTable } from './lease-table.ts';
import { warnWatchError, WatchHub, type WatchErrorHandler } from './watch-hub.ts';

export interface LocalCoordinatorOptions {
  /** Directory of the LMDB environment (data.mdb, lock.mdb); created when missing. */
  path: string;
  /** Receives errors thrown by watch callbacks. Default: a process warning. */
  onWatchError?: WatchErrorHandler;
  /** Clock for lease expiry, in milliseconds since the epoch. Default Date.now. */
  now?: () => number;
}

/** On-disk layout version, stored in the meta database; bump when the layout changes. */
const FORMAT_VERSION = 1;
const REVISION_KEY = 'revision';
const FORMAT_KEY = 'format';

/**
 * Opens (creating when needed) the coordinator database at `options.path`. Only one instance
 * may have a path open at a time (watches and leases are not shared between instances).
 *
 * Versions are revisions of a persisted global counter (see commit-ops.ts): every key put by
 * one commit gets that commit's revision, so versions grow on every change and a key deleted
 * and created again never gets a version it had before, even across restarts.
 *
 * Rejects with CoordinatorUnavailableError when the directory or database cannot be opened,
 * and with an Error when the directory holds a database of an unknown layout version.
 */
export async function openLocalCoordinator(options: LocalCoordinatorOptions): Promise<Coordinator> {
  const dir = path.resolve(options.path);
  let root: RootDatabase;
  let kv: Database<StoredEntry, Buffer>;
  let meta: Database<number, string>;
  let format: number | undefined;
  try {
    await mkdir(dir, { recursive: true });
    root = open({ path: dir, overlappingSync: false, noSync: false });
    // Keys are stored as raw UTF-8 bytes so LMDB's order is byte order and a prefix scan is one
    // contiguous range; values as JSON so the file stays inspectable.
    kv = root.openDB<StoredEntry, Buffer>('kv', { encoding: 'json', keyEncoding: 'binary' });
    meta = root.openDB<number, string>('meta', { encoding: 'json' });
    format = meta.get(FORMAT_KEY);
    if (format === undefined) await root.transaction(() => meta.putSync(FORMAT_KEY, FORMAT_VERSION));
  } catch (err) {
    throw new CoordinatorUnavailableError(`cannot open local coordinator at ${dir}`, { cause: err });
  }
  if (format !== undefined && format !== FORMAT_VERSION) {
    await root.close();
    throw new Error(`local coordinator at ${dir} has layout version ${format}, expected ${FORMAT_VERSION}`);
  }
  return new LocalCoordinator(root, kv, meta, options);
}

class LocalCoordinator implements Coordinator {
  private readonly hub: WatchHub;
  private readonly leases: LeaseTable;
  private readonly view: TransactionView;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly root: RootDatabase,
    private readonly kv: Database<StoredEntry, Buffer>,
    meta: Database<number, string>,
    options: LocalCoordinatorOptions,
  ) {
    this.hub = new WatchHub(options.onWatchError ?? warnWatchError);
    this.leases = new LeaseTable(options.now ?? Date.now);
    this.view = {
      get: (key) => kv.get(keyBytes(key)),
      put: (key, entry) => void kv.putSync(keyBytes(key), entry),
      remove: (key) => void kv.removeSync(keyBytes(key)),
      readRevision: () => meta.get(REVISION_KEY) ?? 0,
      writeRevision: (revision) => void meta.putSync(REVISION_KEY, revision),
    };
  }

  async get(key: string): Promise<VersionedValue | null> {
    assertValidKey(key);
    this.assertOpen();
    const entry = this.guard('get', () => this.kv.get(keyBytes(key)));
    return entry === undefined ? null : { key, value: entry.value, version: entry.version };
  }

  async list(prefix: string): Promise<VersionedValue[]> {
    if (typeof prefix !== 'string') throw new Error('coordinator list prefix must be a string');
    assertWellFormed(prefix, 'list prefix');
    this.assertOpen();
    const start = keyBytes(prefix);
    return this.guard('list', () => {
      const found: VersionedValue[] = [];
      const range = this.kv.getRange(start.length > 0 ? { start } : {});
      for (const { key, value } of range) {
        // Byte order keeps every key with this prefix in one run starting at the prefix itself.
        if (!startsWith(key, start)) break;
        found.push({ key: key.toString('utf8'), value: value.value, version: value.version });
      }
      return found;
    });
  }

  async commit(ops: CommitOp[]): Promise<Record<string, number>> {
    validateOps(ops);
    this.assertOpen();
    if (ops.length === 0) return {};
    let outcome;
    try {
      // A child transaction so that even an unexpected throw half-way rolls the commit back.
      outcome = await this.root.childTransaction(() => applyCommit(this.view, ops));
    } catch (err) {
      throw unavailable('commit', err);
    }
    if (!outcome.ok) throw new ConflictError(outcome.key, outcome.actualVersion);
    // The transaction promise resolved, so the change is durable: now watchers may hear of it.
    this.hub.publish(outcome.changed);
    return outcome.versions;
  }

  watch(prefix: string, onChange: (key: string) => void): () => void {
    if (typeof prefix !== 'string') throw new Error('coordinator watch prefix must be a string');
    this.assertOpen();
    return this.hub.subscribe(prefix, onChange);
  }

  async heartbeat(process: Omit<ProcessInfo, 'expiresAt'>, ttlMs: number): Promise<void> {
    this.assertOpen();
    this.leases.heartbeat(process, ttlMs);
  }

  async liveProcesses(): Promise<ProcessInfo[]> {
    this.assertOpen();
    return this.leases.live();
  }

  close(): Promise<void> {
    if (this.closing === undefined) {
      this.hub.clear();
      this.leases.clear();
      // LMDB waits for in-flight transactions before closing the environment.
      this.closing = this.root.close();
    }
    return this.closing;
  }

  private assertOpen(): void {
    if (this.closing !== undefined) throw new CoordinatorUnavailableError('local coordinator is closed');
  }

  /** Runs a synchronous LMDB read, reporting engine failures as CoordinatorUnavailableError. */
  private guard<T>(operation: string, read: () => T): T {
    try {
      return read();
    } catch (err) {
      throw unavailable(operation, err);
    }
  }
}

function unavailable(operation: string, cause: unknown): CoordinatorUnavailableError {
  const detail = cause instanceof Error ? `: ${cause.message}` : '';
  return new CoordinatorUnavailableError(`local coordinator ${operation} failed${detail}`, { cause });
}

function keyBytes(key: string): Buffer {
  return Buffer.from(key, 'utf8');
}

function startsWith(bytes: Uint8Array, prefix: Buffer): boolean {
  return bytes.length >= prefix.length && prefix.equals(bytes.subarray(0, prefix.length));
}
