/**
 * ObjectStore port: immutable blobs by key (segment files, manifest snapshots, claim checks).
 * Adapters: fs (local directory), s3.
 */

export interface ObjectInfo {
  key: string;
  /** Bytes. */
  size: number;
  etag: string;
  /** Milliseconds since the epoch. */
  lastModified: number;
}

export interface PutOptions {
  /** Fail with ObjectExistsError when the key already exists (if-none-match: *). */
  ifNoneMatch?: boolean;
}

export interface ByteRange {
  /** First byte, 0-based. */
  offset: number;
  /** Number of bytes; the result is shorter when the object ends first. */
  length: number;
}

export interface ObjectStore {
  /** Stores the whole body atomically: readers see the old object, nothing, or the new one. */
  put(key: string, body: Uint8Array, options?: PutOptions): Promise<ObjectInfo>;
  /** The object's bytes (or a range of them). Rejects with ObjectNotFoundError. */
  get(key: string, range?: ByteRange): Promise<Uint8Array>;
  /** Metadata, or null when the key does not exist. */
  head(key: string): Promise<ObjectInfo | null>;
  /** Every object whose key starts with prefix, sorted by key. */
  list(prefix: string): Promise<ObjectInfo[]>;
  /** Removes the key; succeeds when it does not exist. */
  delete(key: string): Promise<void>;
  /** Releases clients. Idempotent. */
  close(): Promise<void>;
}

export class ObjectNotFoundError extends Error {
  constructor(readonly key: string) {
    super(`object not found: ${key}`);
    this.name = 'ObjectNotFoundError';
  }
}

export class ObjectExistsError extends Error {
  constructor(readonly key: string) {
    super(`object already exists: ${key}`);
    this.name = 'ObjectExistsError';
  }
}

/** The store could not be reached or failed; the operation may succeed later. */
export class ObjectStoreUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ObjectStoreUnavailableError';
  }
}

/** Keys are '/'-separated, never start with '/', and hold no '..' segment or NUL. */
export function isValidObjectKey(key: string): boolean {
  return (
    key.length > 0 &&
    key.length <= 1024 &&
    !key.startsWith('/') &&
    !key.includes('\0') &&
    !key.split('/').some((part) => part === '..' || part === '.' || part === '')
  );
}
