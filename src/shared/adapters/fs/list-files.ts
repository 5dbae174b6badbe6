/**
 * Listing and housekeeping of the fs object store's directory tree.
 *
 * Listing walks only the directories that can hold matching keys and stats the files it finds.
 * Objects and directories deleted while the walk runs are skipped rather than reported as
 * errors: a listing is a point-in-time view, and S3 gives no stronger guarantee either.
 */

import type { BigIntStats } from 'node:fs';
import { readdir, rmdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ObjectInfo } from '../../ports/object-store.ts';
import { errnoCode, isMissing } from './fs-errors.ts';
import { compareKeys } from './key-paths.ts';

/** Builds an ObjectInfo from a bigint stat (of the published file or of its temp inode). */
export function toObjectInfo(
  key: string,
  file: { size: bigint | number; mtimeNs: bigint; ino: bigint },
): ObjectInfo {
  return {
    key,
    size: Number(file.size),
    etag: etagOf(file),
    lastModified: Number(file.mtimeNs / 1_000_000n),
  };
}

/**
 * The etag identifies one stored version of an object, not its content: hex size, modification
 * time in nanoseconds and inode number. Every put writes a new inode, so an overwrite changes the
 * etag even within one mtime tick, and computing it needs only a stat (no reading of the file,
 * which matters when listing many large segment files). Unlike S3, two puts of identical bytes
 * get different etags, and copying the store directory elsewhere changes every etag.
 */
function etagOf(file: { size: bigint | number; mtimeNs: bigint; ino: bigint }): string {
  return `${BigInt(file.size).toString(16)}-${file.mtimeNs.toString(16)}-${file.ino.toString(16)}`;
}

/**
 * Every regular file under `objectsDir/startSegments` whose key starts with `prefix`, sorted by
 * key (UTF-8 byte order). Rejects with the raw fs error for anything but vanished entries.
 */
export async function listObjects(
  objectsDir: string,
  startSegments: string[],
  prefix: string,
): Promise<ObjectInfo[]> {
  const found: ObjectInfo[] = [];
  await walk(objectsDir, startSegments.join('/'), prefix, found);
  return found.sort((a, b) => compareKeys(a.key, b.key));
}

async function walk(
  objectsDir: string,
  relDir: string,
  prefix: string,
  found: ObjectInfo[],
): Promise<void> {
  const absDir = relDir === '' ? objectsDir : path.join(objectsDir, ...relDir.split('/'));
  let entries;
  try {
    entries = await readdir(absDir, { withFileTypes: true });
  } catch (err) {
    if (isMissing(err)) return;
    throw err;
  }
  const work: Promise<void>[] = [];
  for (const entry of entries) {
    const key = relDir === '' ? entry.name : `${relDir}/${entry.name}`;
    if (entry.isDirectory()) {
      const asPrefix = `${key}/`;
      // Descend only where matching keys can live: the directory is inside the prefix, or the
      // prefix continues inside the directory.
      if (asPrefix.startsWith(prefix) || prefix.startsWith(asPrefix)) {
        work.push(walk(objectsDir, key, prefix, found));
      }
    } else if (entry.isFile() && key.startsWith(prefix)) {
      work.push(statInto(path.join(absDir, entry.name), key, found));
    }
    // Anything else (symlinks, sockets) was not written by this store and is ignored.
  }
  await Promise.all(work);
}

async function statInto(file: string, key: string, found: ObjectInfo[]): Promise<void> {
  let info: BigIntStats;
  try {
    info = await stat(file, { bigint: true });
  } catch (err) {
    if (isMissing(err)) return;
    throw err;
  }
  if (info.isFile()) found.push(toObjectInfo(key, info));
}

/**
 * Removes `fromDir` and its ancestors while they are empty, stopping below `stopDir`. Housekeeping
 * only: a failure leaves an empty directory behind, which listing ignores, so errors are dropped
 * rather than failing a delete that has already happened.
 */
export async function pruneEmptyDirectories(fromDir: string, stopDir: string): Promise<void> {
  for (let dir = fromDir; dir !== stopDir && dir.startsWith(stopDir + path.sep); ) {
    try {
      await rmdir(dir);
    } catch (err) {
      // ENOENT: someone else pruned it already; keep going up. Anything else (ENOTEMPTY, EEXIST,
      // EBUSY): the directory is in use or not ours to remove; stop.
      if (errnoCode(err) !== 'ENOENT') return;
    }
    dir = path.dirname(dir);
  }
}
