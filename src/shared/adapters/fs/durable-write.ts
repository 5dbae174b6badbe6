/**
 * Atomic, durable file publication: write a temp file, fsync it, then move it into place with
 * rename (replace) or link (create only), then fsync the directories whose entries changed.
 *
 * Readers therefore see the old file, no file, or the complete new file — never a partial one —
 * and once `publishFile` resolves the file survives a crash or power loss (as far as the disk
 * honours fsync). The temp directory must be on the same filesystem as the destination, because
 * rename and link do not cross filesystems.
 */

import { randomUUID } from 'node:crypto';
import { link, mkdir, open, rename, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { errnoCode } from './fs-errors.ts';

/** What the published file looks like; taken from the temp inode, which rename/link keep. */
export interface WrittenFile {
  /** Bytes. */
  size: number;
  /** Nanoseconds since the epoch. */
  mtimeNs: bigint;
  ino: bigint;
}

/** Temp files end with this so a sweep after a crash never removes anything else. */
export const TEMP_SUFFIX = '.partial';

/**
 * How often publication is retried when the destination directory vanished between mkdir and
 * rename/link: a concurrent delete prunes empty directories, and may prune ours.
 */
const MAX_PUBLISH_ATTEMPTS = 5;

/**
 * Writes `body` to a fresh file in `tmpDir` and fsyncs it. Resolves with the temp path and its
 * metadata; the caller owns the file from then on. Rejects with the raw fs error, after removing
 * whatever was written.
 */
export async function writeTempFile(
  tmpDir: string,
  body: Uint8Array,
): Promise<{ tempPath: string; written: WrittenFile }> {
  const tempPath = path.join(tmpDir, `${randomUUID()}${TEMP_SUFFIX}`);
  let handle: FileHandle | undefined;
  try {
    // 'wx' = O_CREAT|O_EXCL: never reuse a path another writer might still hold.
    handle = await open(tempPath, 'wx');
    await handle.writeFile(body);
    await handle.sync();
    const stat = await handle.stat({ bigint: true });
    await handle.close();
    handle = undefined;
    return { tempPath, written: { size: Number(stat.size), mtimeNs: stat.mtimeNs, ino: stat.ino } };
  } catch (err) {
    await handle?.close().catch(() => undefined);
    await unlink(tempPath).catch(() => undefined);
    throw err;
  }
}

/**
 * Moves the temp file to `finalPath`, creating parent directories as needed, then fsyncs every
 * directory whose entries changed. With `exclusive`, uses link() so the call fails with EEXIST
 * when `finalPath` exists — atomic in the kernel, so of N concurrent exclusive publishers exactly
 * one wins. Always consumes the temp file. Rejects with the raw fs error.
 */
export async function publishFile(
  tempPath: string,
  finalPath: string,
  stopDir: string,
  exclusive: boolean,
): Promise<void> {
  const parent = path.dirname(finalPath);
  let renamed = false;
  try {
    for (let attempt = 1; ; attempt++) {
      let firstCreated: string | undefined;
      try {
        firstCreated = await mkdir(parent, { recursive: true });
        if (exclusive) {
          await link(tempPath, finalPath);
        } else {
          await rename(tempPath, finalPath);
          renamed = true;
        }
      } catch (err) {
        // ENOENT here means a parent directory was pruned under us; recreate it and try again.
        if (errnoCode(err) === 'ENOENT' && attempt < MAX_PUBLISH_ATTEMPTS) continue;
        throw err;
      }
      await syncDirectories(parent, firstCreated, stopDir);
      return;
    }
  } finally {
    // After a link or a failure the temp name still exists; the object (if any) keeps its inode.
    if (!renamed) await unlink(tempPath).catch(() => undefined);
  }
}

/**
 * Fsyncs `dir` and, when mkdir created directories, every parent holding a new directory entry,
 * up to and including the parent of `firstCreated` (never above `stopDir`).
 */
async function syncDirectories(
  dir: string,
  firstCreated: string | undefined,
  stopDir: string,
): Promise<void> {
  const last = firstCreated === undefined ? dir : path.dirname(firstCreated);
  for (let current = dir; ; current = path.dirname(current)) {
    await syncDirectory(current);
    if (current === last || current === stopDir || current === path.dirname(current)) return;
  }
}

/**
 * Fsyncs a directory so that entries created, renamed or removed in it are durable. Some
 * filesystems refuse fsync on directories (EINVAL); they give no stronger guarantee to ask for.
 */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } catch (err) {
    if (errnoCode(err) !== 'EINVAL') throw err;
  } finally {
    await handle.close();
  }
}
