/**
 * `quiver restore --from <prefix>`: writes a backup's catalog and shard manifests into the
 * deployment's coordinator and copies back every segment object that is missing. Refuses a
 * coordinator that holds collections or manifests, or has live processes, unless --force.
 * After a restore each shard's owner resumes at the restored checkpoint and re-reads what the
 * log holds after it; id sequences jump ahead so ids handed out after the backup are not reused.
 */
import { jsonLogger } from '../shared/logger.ts';
import type { CommitOp } from '../shared/ports/coordinator.ts';
import { ObjectNotFoundError } from '../shared/ports/object-store.ts';
import { BackedUpCoordinator } from '../shared/recovery/backed-up-coordinator.ts';
import { GENERATION_KEY } from '../shared/recovery/backup-keys.ts';
import { SEQUENCE_JUMP } from '../shared/recovery/restore.ts';
import { openCoordinator, openObjects } from '../shared/runtime/open-ports.ts';
import { copyAll } from './backup.ts';
import {
  backupDocumentSchema, backupPrefix, copyOrder, deploymentConfig, documentKey, objectCopyKey, STORE_HELP, STORE_OPTIONS,
  type BackupDocument,
} from './backup-format.ts';
import { CommandError, parseCommandArgs, stringFlag, UsageError } from './usage.ts';

export const RESTORE_HELP = `usage: quiver restore --from PREFIX [options]

Restores a backup written by "quiver backup": the catalog and shard manifests go into the
deployment's coordinator, segment objects missing from the object store are copied back. Stop the
deployment's servers first; start them after the restore. The log must be the one the backup was
taken from (same Kafka topics, or the standalone data directory's log): each shard resumes at its
restored checkpoint and re-reads the rows written after it.

options:
  --from PREFIX    object-store key prefix of the backup (required)
${STORE_HELP}  --force          restore even though the coordinator holds collections or live processes
                   (replaces its catalog and manifests)
  -h, --help       this text
`;

export async function runRestore(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { ...STORE_OPTIONS, from: { type: 'string' }, force: { type: 'boolean' } });
  if (values.help) {
    process.stdout.write(RESTORE_HELP);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
  const prefix = backupPrefix(stringFlag(values, 'from'), '--from');
  const force = values.force === true;
  const config = deploymentConfig(values);
  const logger = jsonLogger('restore');
  const raw = await openCoordinator(config, logger);
  const objects = await openObjects(config, logger);
  let closeCoordinator = () => raw.close();
  try {
    const doc = await readDocument(objects, prefix);
    const live = await raw.liveProcesses();
    if (live.length > 0 && !force) {
      throw new CommandError(
        `${live.length} process(es) are running against this coordinator (${live.map((p) => `${p.role} ${p.id}`).join(', ')}): stop them first, or pass --force`,
      );
    }
    const existing = await raw.list('');
    const collections = existing.filter((e) => e.key.startsWith('catalog/coll/')).length;
    const manifests = existing.filter((e) => e.key.startsWith('shard/manifest/')).length;
    if ((collections > 0 || manifests > 0) && !force) {
      throw new CommandError(
        `the coordinator is not empty (${collections} collections, ${manifests} shard manifests): restoring would replace them; pass --force to do so`,
      );
    }

    // Segments first: once the manifests are in, a server may load them at any moment.
    const missing = [];
    for (const o of doc.objects) {
      const head = await objects.head(o.key);
      if (head === null || head.size !== o.size) missing.push(o);
    }
    missing.sort(copyOrder);
    await copyAll(objects, missing, (o) => objectCopyKey(prefix, o.key), (o) => o.key);

    const restoredKeys = new Set(doc.entries.map((e) => e.key));
    const ops: CommitOp[] = [];
    for (const e of existing) {
      // Everything shard-related is dropped: manifests are replaced, and watermarks or requests
      // of the replaced state must not vouch for the restored one.
      if ((e.key.startsWith('catalog/') || e.key.startsWith('shard/')) && !restoredKeys.has(e.key)) ops.push({ kind: 'delete', key: e.key });
    }
    for (const e of doc.entries) {
      const jump = SEQUENCE_JUMP[e.key];
      ops.push({ kind: 'put', key: e.key, value: jump ? String(Number(e.value) + jump) : e.value });
    }
    const sentinel = existing.find((e) => e.key === GENERATION_KEY);
    const generation = Math.max(doc.generation ?? 0, sentinel ? Number(sentinel.value) : 0) + 1;
    if (config.coordinator.kind === 'local') {
      await raw.commit([...ops, { kind: 'put', key: GENERATION_KEY, value: String(generation) }]);
    } else {
      // A networked coordinator keeps its own backups in the object store: the sentinel goes
      // first (so no process restores older backups over this one), then the keys through the
      // backing-up wrapper, which records them as the newest catalog snapshot and manifests.
      await raw.commit([{ kind: 'put', key: GENERATION_KEY, value: String(generation) }]);
      const backed = new BackedUpCoordinator(raw, objects, async () => undefined, Date.now, logger);
      closeCoordinator = () => backed.close();
      await backed.commit(ops);
    }
    const rows = doc.shards.reduce((a, s) => a + s.rows, 0);
    process.stdout.write(
      `restore ${prefix} (taken ${doc.createdAt}): ${doc.entries.filter((e) => e.key.startsWith('catalog/coll/')).length} collections, ` +
        `${doc.shards.length} shards (${rows} stored rows), ${missing.length} of ${doc.objects.length} segment objects copied back\n`,
    );
    for (const s of doc.shards) {
      process.stdout.write(`  shard ${s.collectionId}/${s.shard}: checkpoint ${s.checkpoint}, ${s.segments.length} segments\n`);
    }
    return 0;
  } finally {
    await closeCoordinator();
    await objects.close();
  }
}

async function readDocument(objects: Awaited<ReturnType<typeof openObjects>>, prefix: string): Promise<BackupDocument> {
  let bytes: Uint8Array;
  try {
    bytes = await objects.get(documentKey(prefix));
  } catch (err) {
    if (err instanceof ObjectNotFoundError) throw new CommandError(`no complete backup at ${prefix} (${documentKey(prefix)} is missing)`);
    throw err;
  }
  const parsed = backupDocumentSchema.safeParse(JSON.parse(new TextDecoder().decode(bytes)));
  if (!parsed.success) throw new CommandError(`${documentKey(prefix)} is not a backup this version can read: ${parsed.error.message}`);
  return parsed.data;
}
