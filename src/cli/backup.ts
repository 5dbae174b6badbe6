/**
 * `quiver backup --to <prefix>`: a consistent backup of a deployment into its object store.
 * One coordinator listing (a snapshot in both the local and the Redis coordinator) gives the
 * catalog, every shard manifest and the per-shard log offsets at one point; then every object of
 * every segment those manifests name is copied under the prefix, and the backup document is
 * written last. Segments are immutable, but a segment replaced by compaction is deleted 10
 * minutes later, so a backup that only referenced them would stop being restorable soon after:
 * copying them is what makes a backup last.
 */
import type { Manifest } from '../shared/manifest/manifest.ts';
import { segmentPrefix } from '../shared/manifest/manifest.ts';
import { jsonLogger } from '../shared/logger.ts';
import type { ObjectInfo, ObjectStore } from '../shared/ports/object-store.ts';
import { GENERATION_KEY } from '../shared/recovery/backup-keys.ts';
import { openCoordinator, openObjects } from '../shared/runtime/open-ports.ts';
import {
  BACKUP_FORMAT_VERSION, backupPrefix, copyOrder, deploymentConfig, documentKey, isRestoredKey, objectCopyKey,
  STORE_HELP, STORE_OPTIONS, type BackupDocument,
} from './backup-format.ts';
import { Progress } from './progress.ts';
import { formatBytes } from './table.ts';
import { CommandError, parseCommandArgs, stringFlag, UsageError } from './usage.ts';

export const BACKUP_HELP = `usage: quiver backup --to PREFIX [options]

Backs up the deployment's catalog (databases, collections, aliases, users and roles), its shard
manifests with their log checkpoints, and a copy of every segment they name, under PREFIX in the
deployment's object store. Runs beside live servers; the snapshot is taken at one point.

options:
  --to PREFIX      object-store key prefix of the backup, e.g. backups/2024-06-01 (required)
${STORE_HELP}  --force          replace a backup that already exists at PREFIX
  -h, --help       this text
`;

/** Copies of segment objects running at once. */
const COPY_CONCURRENCY = 4;

export async function runBackup(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { ...STORE_OPTIONS, to: { type: 'string' }, force: { type: 'boolean' } });
  if (values.help) {
    process.stdout.write(BACKUP_HELP);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
  const prefix = backupPrefix(stringFlag(values, 'to'), '--to');
  const config = deploymentConfig(values);
  const logger = jsonLogger('backup');
  const coordinator = await openCoordinator(config, logger);
  const objects = await openObjects(config, logger);
  try {
    if (!values.force && (await objects.head(documentKey(prefix)))) {
      throw new CommandError(`a backup already exists at ${prefix} (pass --force to replace it)`);
    }
    // One listing: the catalog, manifests and watermarks as of one point.
    const all = await coordinator.list('');
    const entries = all.filter((e) => isRestoredKey(e.key)).map((e) => ({ key: e.key, value: e.value }));
    const watermarks = new Map(all.filter((e) => e.key.startsWith('shard/watermark/')).map((e) => [e.key.slice('shard/watermark/'.length), e.value]));
    const generation = all.find((e) => e.key === GENERATION_KEY);
    const shards: BackupDocument['shards'] = [];
    const toCopy: ObjectInfo[] = [];
    for (const e of entries) {
      if (!e.key.startsWith('shard/manifest/')) continue;
      const m = JSON.parse(e.value) as Manifest;
      const mark = watermarks.get(`${m.collectionId}/${m.shard}`);
      shards.push({
        collectionId: m.collectionId,
        shard: m.shard,
        epoch: m.epoch,
        checkpoint: m.checkpoint,
        watermarkEndOffset: mark ? Number((JSON.parse(mark) as { endOffset: number }).endOffset) : null,
        segments: m.segments.map((s) => s.id),
        rows: m.segments.reduce((a, s) => a + s.rows, 0),
      });
      for (const s of m.segments) {
        const files = await objects.list(segmentPrefix(m.collectionId, m.shard, s.id));
        if (files.length === 0) {
          throw new CommandError(`segment ${s.id} of shard ${m.collectionId}/${m.shard} is missing from the object store; the backup was not written`);
        }
        toCopy.push(...files);
      }
    }
    toCopy.sort(copyOrder);
    await copyAll(objects, toCopy, (o) => o.key, (o) => objectCopyKey(prefix, o.key));
    const doc: BackupDocument = {
      format: 'quiver-backup',
      version: BACKUP_FORMAT_VERSION,
      createdAt: new Date().toISOString(),
      coordinatorKind: config.coordinator.kind,
      objectStoreKind: config.objectStore.kind,
      generation: generation ? Number(generation.value) : null,
      entries,
      shards,
      objects: toCopy.map((o) => ({ key: o.key, size: o.size })),
    };
    await objects.put(documentKey(prefix), new TextEncoder().encode(JSON.stringify(doc)));
    const collections = entries.filter((e) => e.key.startsWith('catalog/coll/')).length;
    const bytes = toCopy.reduce((a, o) => a + o.size, 0);
    process.stdout.write(
      `backup ${prefix}: ${collections} collections, ${shards.length} shards, ${shards.reduce((a, s) => a + s.segments.length, 0)} segments ` +
        `(${shards.reduce((a, s) => a + s.rows, 0)} stored rows, ${formatBytes(bytes)} copied), ${entries.length} coordinator keys\n`,
    );
    return 0;
  } finally {
    await coordinator.close();
    await objects.close();
  }
}

/**
 * Copies objects (whole, one GET and one PUT each) with bounded concurrency, in the given order
 * per worker slot; progress in bytes on stderr. Rejects with the first failure.
 */
export async function copyAll<T extends { size: number }>(
  objects: ObjectStore,
  items: T[],
  from: (item: T) => string,
  to: (item: T) => string,
): Promise<void> {
  const total = items.reduce((a, o) => a + o.size, 0);
  const progress = new Progress({ label: 'copy', total, unit: 'bytes', noun: 'objects' });
  let done = 0;
  let copied = 0;
  let next = 0;
  // meta.json objects are sorted last and copied only after every other object finished, so a
  // loose segment becomes readable only once its files are all in place.
  const firstMeta = items.findIndex((o) => from(o).endsWith('/meta.json'));
  const phases = firstMeta < 0 ? [items] : [items.slice(0, firstMeta), items.slice(firstMeta)];
  for (const phase of phases) {
    next = 0;
    const worker = async () => {
      while (next < phase.length) {
        const item = phase[next++];
        const body = await objects.get(from(item));
        await objects.put(to(item), body);
        done += item.size;
        copied++;
        progress.update(done, copied);
      }
    };
    await Promise.all(Array.from({ length: Math.min(COPY_CONCURRENCY, phase.length) }, worker));
  }
  progress.stop(`${copied} objects, ${formatBytes(done)}`);
}
