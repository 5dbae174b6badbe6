/**
 * The layout of a backup in the object store, shared by `quiver backup` and `quiver restore`:
 *
 *   <prefix>/objects/<key>   a copy of every object of every segment the manifests name
 *   <prefix>/backup.json     the document below, written last: a prefix without it is an
 *                            incomplete backup and restore refuses it
 *
 * The document holds one snapshot (a single coordinator listing) of the catalog and the shard
 * manifests, and per shard the log offsets it reflects: the manifest checkpoint and the owner's
 * last watermark.
 */
import { z } from 'zod';
import { ConfigError, loadConfig } from '../shared/config/load.ts';
import type { QuiverConfig } from '../shared/config/schema.ts';
import { UsageError } from './usage.ts';

export const BACKUP_FORMAT_VERSION = 1;

export const backupDocumentSchema = z.object({
  format: z.literal('quiver-backup'),
  version: z.literal(BACKUP_FORMAT_VERSION),
  /** ISO time the snapshot was taken. */
  createdAt: z.string(),
  coordinatorKind: z.string(),
  objectStoreKind: z.string(),
  /** The coordinator's recovery generation at the snapshot (null when it had none). */
  generation: z.number().int().nullable(),
  /** catalog/ and shard/manifest/ keys as they were at the snapshot. */
  entries: z.array(z.object({ key: z.string(), value: z.string() })),
  shards: z.array(
    z.object({
      collectionId: z.number().int(),
      shard: z.number().int(),
      epoch: z.number().int(),
      /** Last log offset reflected by the segments. */
      checkpoint: z.number().int(),
      /** The owner's last watermark end offset (exclusive), null when none was written. */
      watermarkEndOffset: z.number().int().nullable(),
      segments: z.array(z.string()),
      rows: z.number().int().nonnegative(),
    }),
  ),
  /** Segment objects copied: original key, bytes. */
  objects: z.array(z.object({ key: z.string(), size: z.number().int().nonnegative() })),
});
export type BackupDocument = z.infer<typeof backupDocumentSchema>;

/** Object keys of live data; a backup prefix must not overlap them. */
const RESERVED_PREFIXES = ['collections/', 'claims/', 'coordinator-backup/'];

/** Normalises a --to/--from prefix ("backups/2024-06-01" → "backups/2024-06-01/"). */
export function backupPrefix(raw: string | undefined, flag: string): string {
  const p = (raw ?? '').trim().replace(/^\/+/, '').replace(/\/+$/, '');
  if (p === '') throw new UsageError(`${flag} PREFIX is required (a key prefix in the configured object store)`);
  if (!/^[A-Za-z0-9._\-/]+$/.test(p) || p.split('/').some((s) => s === '' || s === '.' || s === '..')) {
    throw new UsageError(`${flag} must be a key prefix of letters, digits, '.', '_', '-' and '/' segments, got ${JSON.stringify(raw)}`);
  }
  const prefix = `${p}/`;
  if (RESERVED_PREFIXES.some((r) => prefix.startsWith(r))) throw new UsageError(`${flag} must not be inside ${RESERVED_PREFIXES.join(', ')} (live data)`);
  return prefix;
}

export const documentKey = (prefix: string) => `${prefix}backup.json`;
export const objectCopyKey = (prefix: string, key: string) => `${prefix}objects/${key}`;

/** The options that say where the deployment's coordinator and object store are. */
export const STORE_OPTIONS = {
  config: { type: 'string' },
  'data-dir': { type: 'string' },
} as const;

export const STORE_HELP = `  --config FILE    quiver.yaml of the deployment (env QUIVER_CONFIG; QUIVER_* variables apply)
  --data-dir D     data directory of a standalone deployment (env QUIVER_DATA_DIR)
`;

/** Loads the deployment's configuration like its servers do (file, QUIVER_* env, flags). */
export function deploymentConfig(values: Record<string, unknown>): QuiverConfig {
  const overrides: Record<string, unknown> = {};
  if (typeof values['data-dir'] === 'string') overrides.dataDir = values['data-dir'];
  try {
    return loadConfig({ env: process.env, file: typeof values.config === 'string' ? values.config : undefined, overrides });
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError((err as Error).message);
  }
}

/** Keys a restore writes back (everything else in the coordinator is transient). */
export function isRestoredKey(key: string): boolean {
  return key.startsWith('catalog/') || key.startsWith('shard/manifest/');
}

/** Loose segments are readable once meta.json exists: copy it after the segment's other files. */
export function copyOrder(a: { key: string }, b: { key: string }): number {
  const am = a.key.endsWith('/meta.json') ? 1 : 0;
  const bm = b.key.endsWith('/meta.json') ? 1 : 0;
  return am - bm || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}
