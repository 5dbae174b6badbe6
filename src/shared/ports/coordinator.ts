/**
 * Coordinator port: a small strongly consistent key-value store with versions, atomic
 * multi-key conditional commits, change notifications and process leases — the shape of etcd,
 * which Milvus uses for the same job. The catalog, shard manifests and writer epochs are typed
 * layers on top (src/shared/catalog, src/shared/manifest); fencing is a conditional commit on
 * the manifest key, which carries the writer epoch.
 * Adapters: local (in-process, persisted to disk), redis.
 */

export interface VersionedValue {
  key: string;
  value: string;
  /** Increases by at least 1 on every change of this key; never reused after delete. */
  version: number;
}

/**
 * One operation of an atomic commit. `expectedVersion`: a number = the key must have exactly that
 * version; null = the key must not exist; undefined = no condition.
 */
export type CommitOp =
  | { kind: 'put'; key: string; value: string; expectedVersion?: number | null }
  | { kind: 'delete'; key: string; expectedVersion?: number | null }
  | { kind: 'check'; key: string; expectedVersion: number | null };

export interface ProcessInfo {
  id: string;
  role: string;
  /** Free-form details (address, version). */
  info: Record<string, string>;
  /** Milliseconds since the epoch when the lease ends unless renewed. */
  expiresAt: number;
}

export interface Coordinator {
  get(key: string): Promise<VersionedValue | null>;
  /** Every key starting with prefix, sorted by key. */
  list(prefix: string): Promise<VersionedValue[]>;
  /**
   * Applies all ops atomically when every condition holds, else nothing and rejects with
   * ConflictError naming the first failing key. Resolves with the new version of each put key.
   */
  commit(ops: CommitOp[]): Promise<Record<string, number>>;
  /**
   * Calls onChange(key) after any key with that prefix changes (best effort, may coalesce or
   * drop under outage: readers also poll). Returns an unsubscribe function.
   */
  watch(prefix: string, onChange: (key: string) => void): () => void;
  /** Registers or renews a process lease for ttlMs milliseconds. */
  heartbeat(process: Omit<ProcessInfo, 'expiresAt'>, ttlMs: number): Promise<void>;
  /** Processes whose lease has not expired. */
  liveProcesses(): Promise<ProcessInfo[]>;
  /** Idempotent. */
  close(): Promise<void>;
}

export class ConflictError extends Error {
  constructor(
    readonly key: string,
    readonly actualVersion: number | null,
  ) {
    super(`conditional commit failed on ${key} (version now ${actualVersion ?? 'absent'})`);
    this.name = 'ConflictError';
  }
}

export class CoordinatorUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CoordinatorUnavailableError';
  }
}
