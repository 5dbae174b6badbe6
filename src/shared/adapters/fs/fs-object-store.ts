/**
 * ObjectStore on a local directory: the standalone shape's stand-in for S3.
 *
 * Layout under the root directory:
 * - `objects/<key>`: one regular file per object; each '/'-separated key segment is a directory
 *   level, so the tree is browsable with ordinary tools.
 * - `tmp/`: in-flight puts. Kept outside `objects/` because any file name is a valid key
 *   segment, so no naming scheme inside `objects/` could tell temp files from objects.
 *
 * Guarantees: put is atomic (temp file + rename, see durable-write.ts) and durable once it
 * resolves; `ifNoneMatch` puts are race-free between processes too (link() fails if the name
 * exists). Limitation: a key cannot be stored while it is also a '/'-prefix of another stored
 * key ('a' and 'a/b'), because 'a' would have to be a file and a directory at once.
 */

import { mkdir, open, readdir, stat, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import {
  ObjectExistsError,
  ObjectNotFoundError,
  ObjectStoreUnavailableError,
  type ByteRange,
  type ObjectInfo,
  type ObjectStore,
  type PutOptions,
} from '../../ports/object-store.ts';
import { publishFile, syncDirectory, TEMP_SUFFIX, writeTempFile } from './durable-write.ts';
import { errnoCode, isMissing, keyLayoutConflict, translate } from './fs-errors.ts';
import { assertStorableKey, keyToPath, listRoot } from './key-paths.ts';
import { listObjects, pruneEmptyDirectories, toObjectInfo } from './list-files.ts';

export interface FsObjectStoreOptions {
  /** Directory that holds the store; created (with parents) when missing. */
  root: string;
  /**
   * Temp files older than this many milliseconds are deleted when the store opens; they are
   * leftovers of puts interrupted by a crash. Younger ones may belong to another process
   * writing to the same root right now. Default one hour.
   */
  staleTempMs?: number;
}

const DEFAULT_STALE_TEMP_MS = 60 * 60 * 1000;

/**
 * Opens (creating when needed) an object store rooted at `options.root`.
 * Rejects with ObjectStoreUnavailableError when the directories cannot be created or read.
 */
export async function openFsObjectStore(options: FsObjectStoreOptions): Promise<ObjectStore> {
  const root = path.resolve(options.root);
  const objectsDir = path.join(root, 'objects');
  const tmpDir = path.join(root, 'tmp');
  try {
    await mkdir(objectsDir, { recursive: true });
    await mkdir(tmpDir, { recursive: true });
    await sweepStaleTemps(tmpDir, options.staleTempMs ?? DEFAULT_STALE_TEMP_MS);
  } catch (err) {
    throw new ObjectStoreUnavailableError(`cannot open fs object store at ${root}`, { cause: err });
  }
  return new FsObjectStore(objectsDir, tmpDir);
}

async function sweepStaleTemps(tmpDir: string, staleMs: number): Promise<void> {
  const cutoff = Date.now() - staleMs;
  for (const name of await readdir(tmpDir)) {
    if (!name.endsWith(TEMP_SUFFIX)) continue;
    const file = path.join(tmpDir, name);
    const info = await stat(file).catch(() => undefined);
    if (info !== undefined && info.mtimeMs < cutoff) await unlink(file).catch(() => undefined);
  }
}

class FsObjectStore implements ObjectStore {
  private closed = false;

  constructor(
    private readonly objectsDir: string,
    private readonly tmpDir: string,
  ) {}

  /**
   * Atomic and durable once resolved. Throws an Error (nothing written) for an invalid key or a
   * key that collides with the directory layout; ObjectExistsError for a taken key under
   * `ifNoneMatch`; ObjectStoreUnavailableError for any other filesystem failure.
   */
  async put(key: string, body: Uint8Array, options: PutOptions = {}): Promise<ObjectInfo> {
    assertStorableKey(key);
    if (!(body instanceof Uint8Array)) throw new TypeError('object body must be a Uint8Array');
    this.assertOpen();
    const finalPath = keyToPath(this.objectsDir, key);
    const exclusive = options.ifNoneMatch === true;
    try {
      const { tempPath, written } = await writeTempFile(this.tmpDir, body);
      try {
        await publishFile(tempPath, finalPath, this.objectsDir, exclusive);
      } catch (err) {
        throw await this.explainPublishFailure(key, finalPath, exclusive, err);
      }
      return toObjectInfo(key, written);
    } catch (err) {
      throw translate('put', key, err);
    }
  }

  /** Turns a failed rename/link into the port's error, looking at what occupies the path. */
  private async explainPublishFailure(
    key: string,
    finalPath: string,
    exclusive: boolean,
    err: unknown,
  ): Promise<unknown> {
    const code = errnoCode(err);
    // ENOTDIR from mkdir: a segment above the parent is a stored object. EISDIR from rename: the
    // key itself is a directory of other keys.
    if (code === 'ENOTDIR' || code === 'EISDIR') return keyLayoutConflict(key, err);
    if (code !== 'EEXIST') return err;
    // EEXIST comes from mkdir when the parent itself is a stored object, or from link when the
    // key is taken — by an object (the ifNoneMatch answer) or by a directory of other keys.
    const parent = await stat(path.dirname(finalPath)).catch(() => undefined);
    if (parent !== undefined && !parent.isDirectory()) return keyLayoutConflict(key, err);
    const existing = await stat(finalPath).catch(() => undefined);
    if (existing?.isDirectory()) return keyLayoutConflict(key, err);
    return exclusive ? new ObjectExistsError(key) : err;
  }

  /**
   * Reads the object, or only `range` of it (never more than the range from disk). A range that
   * starts at or past the end yields an empty array. Throws RangeError for a negative or
   * fractional offset or length, ObjectNotFoundError for a missing key.
   */
  async get(key: string, range?: ByteRange): Promise<Uint8Array> {
    assertStorableKey(key);
    if (range !== undefined) assertRange(range);
    this.assertOpen();
    let handle: FileHandle | undefined;
    try {
      handle = await open(keyToPath(this.objectsDir, key), 'r');
      const info = await handle.stat();
      // Opening a directory for reading succeeds on Linux; for a key it means "not an object".
      if (!info.isFile()) throw new ObjectNotFoundError(key);
      const start = Math.min(range?.offset ?? 0, info.size);
      const length = Math.min(range?.length ?? info.size, info.size - start);
      return await readExactly(handle, start, length);
    } catch (err) {
      if (isMissing(err)) throw new ObjectNotFoundError(key);
      throw translate('get', key, err);
    } finally {
      await handle?.close().catch(() => undefined);
    }
  }

  async head(key: string): Promise<ObjectInfo | null> {
    assertStorableKey(key);
    this.assertOpen();
    try {
      const info = await stat(keyToPath(this.objectsDir, key), { bigint: true });
      return info.isFile() ? toObjectInfo(key, info) : null;
    } catch (err) {
      if (isMissing(err)) return null;
      throw translate('head', key, err);
    }
  }

  /** Sorted by UTF-8 byte order; `prefix` is a plain string prefix, not a directory. */
  async list(prefix: string): Promise<ObjectInfo[]> {
    const start = listRoot(prefix);
    this.assertOpen();
    if (start === null) return [];
    try {
      return await listObjects(this.objectsDir, start, prefix);
    } catch (err) {
      throw translate('list', prefix, err);
    }
  }

  /** Durable once resolved; also removes directories the deletion left empty (not the root). */
  async delete(key: string): Promise<void> {
    assertStorableKey(key);
    this.assertOpen();
    const file = keyToPath(this.objectsDir, key);
    const parent = path.dirname(file);
    try {
      await unlink(file);
    } catch (err) {
      // EISDIR: the key names a directory of other keys, so no object by that name exists.
      if (isMissing(err) || errnoCode(err) === 'EISDIR') return;
      throw translate('delete', key, err);
    }
    try {
      // Make the removal durable before reporting it, like put.
      await syncDirectory(parent);
    } catch (err) {
      if (!isMissing(err)) throw translate('delete', key, err);
    }
    await pruneEmptyDirectories(parent, this.objectsDir);
  }

  async close(): Promise<void> {
    // Every operation opens and closes its own file handles, so there is nothing to release.
    this.closed = true;
  }

  private assertOpen(): void {
    if (this.closed) throw new ObjectStoreUnavailableError('fs object store is closed');
  }
}

/** Throws when a range is not a pair of non-negative safe integers. */
function assertRange(range: ByteRange): void {
  const ok = (n: unknown) => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
  if (!ok(range.offset) || !ok(range.length)) {
    throw new RangeError(
      `byte range needs non-negative integer offset and length, got ${JSON.stringify(range)}`,
    );
  }
}

/**
 * Reads `length` bytes from `position` into a buffer of exactly that size (so callers may use
 * `.buffer` safely), or fewer if the file ends first.
 */
async function readExactly(
  handle: FileHandle,
  position: number,
  length: number,
): Promise<Uint8Array> {
  const out = new Uint8Array(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(out, filled, length - filled, position + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return filled === length ? out : out.slice(0, filled);
}
