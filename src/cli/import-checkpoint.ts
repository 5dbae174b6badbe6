/**
 * The resumable import's checkpoint file: which source file (size, mtime, SHA-256 of its first
 * MiB), into which collection and how, and how many rows (a prefix of the file, in file order)
 * the server acknowledged. Written atomically (temp file, fsync, rename) after every
 * acknowledged batch, so a kill at any moment leaves the previous or the new checkpoint.
 */
import { createHash } from 'node:crypto';
import { open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { z } from 'zod';

const HASHED_BYTES = 1 << 20;

export const sourceIdentitySchema = z.object({
  size: z.number().int().nonnegative(),
  /** Modification time, ms since the epoch. */
  mtimeMs: z.number(),
  /** SHA-256 (hex) of the first MiB. */
  headSha256: z.string(),
});
export type SourceIdentity = z.infer<typeof sourceIdentitySchema>;

export const checkpointSchema = z.object({
  version: z.literal(1),
  file: z.string(),
  source: sourceIdentitySchema,
  url: z.string(),
  db: z.string().nullable(),
  collection: z.string(),
  format: z.string(),
  /** How keys were chosen: "file" (ids in the rows), "row-number" (idStart + row), "auto". */
  keys: z.enum(['file', 'row-number', 'auto']),
  idStart: z.number().int().nullable(),
  vectorField: z.string(),
  /** Rows of the file (from its start) the server acknowledged. */
  rowsAcknowledged: z.number().int().nonnegative(),
  /** True once the whole file was acknowledged. */
  complete: z.boolean(),
  updatedAt: z.string(),
});
export type Checkpoint = z.infer<typeof checkpointSchema>;

/** The identity of a source file as it is now. */
export async function sourceIdentity(file: string): Promise<SourceIdentity> {
  const st = await stat(file);
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(Math.min(HASHED_BYTES, st.size));
    await fh.read(buf, 0, buf.length, 0);
    return { size: st.size, mtimeMs: Math.trunc(st.mtimeMs), headSha256: createHash('sha256').update(buf).digest('hex') };
  } finally {
    await fh.close();
  }
}

/** Reads a checkpoint; null when the file does not exist. Throws when it exists but is invalid. */
export async function readCheckpoint(path: string): Promise<Checkpoint | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  const parsed = checkpointSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`checkpoint ${path} is not valid: ${parsed.error.message}`);
  return parsed.data;
}

/** Writes the checkpoint atomically: a crash leaves the old or the new one, never a torn file. */
export async function writeCheckpoint(path: string, cp: Checkpoint): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const fh = await open(tmp, 'w');
  try {
    await fh.writeFile(`${JSON.stringify(cp, null, 2)}\n`);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
}

export async function removeCheckpoint(path: string): Promise<void> {
  await unlink(path).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
  });
}

/**
 * Why `cp` cannot be resumed by this run, or null when it can: a different file content, or a
 * different collection, key scheme or vector field than the one the rows were sent with.
 */
export function resumeConflict(cp: Checkpoint, now: Omit<Checkpoint, 'rowsAcknowledged' | 'complete' | 'updatedAt'>): string | null {
  const s = cp.source;
  if (s.size !== now.source.size || s.mtimeMs !== now.source.mtimeMs || s.headSha256 !== now.source.headSha256) {
    return 'the source file changed since the checkpoint was written';
  }
  const pairs: Array<[string, unknown, unknown]> = [
    ['collection', cp.collection, now.collection],
    ['database', cp.db, now.db],
    ['format', cp.format, now.format],
    ['key scheme', cp.keys, now.keys],
    ['--id-start', cp.idStart, now.idStart],
    ['--vector-field', cp.vectorField, now.vectorField],
  ];
  for (const [what, was, is] of pairs) {
    if (was !== is) return `the checkpoint was written for ${what} ${JSON.stringify(was)}, this run uses ${JSON.stringify(is)}`;
  }
  return null;
}
