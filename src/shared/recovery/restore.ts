/**
 * Rebuilds a coordinator that lost its data from the backups BackedUpCoordinator wrote. Every
 * process checks the generation sentinel at start and periodically (RecoveryGuard); the first to
 * see it missing restores. Restoring is idempotent and safe to race: every key is written
 * create-if-absent, and the sentinel last.
 * Id sequences jump ahead on restore, because the newest ids may have been handed out after the
 * last snapshot: ids are never reused.
 */
import { ConflictError, type Coordinator } from '../ports/coordinator.ts';
import type { ObjectStore } from '../ports/object-store.ts';
import type { Logger } from '../logger.ts';
import { GENERATION_KEY, catalogSnapshotPrefix, manifestBackupPrefix } from './backup-keys.ts';
import type { CatalogSnapshot, ManifestBackup } from './backed-up-coordinator.ts';

/** How far id sequences jump on restore (ids handed out after the last snapshot stay unique). */
export const SEQUENCE_JUMP: Record<string, number> = { 'catalog/seq/id': 1_000_000, 'catalog/seq/rowid': 2 ** 40 };

async function putIfAbsent(c: Coordinator, key: string, value: string): Promise<boolean> {
  try {
    await c.commit([{ kind: 'put', key, value, expectedVersion: null }]);
    return true;
  } catch (err) {
    if (err instanceof ConflictError) return false;
    throw err;
  }
}

export interface RestoreResult {
  restored: boolean;
  generation: number;
  keys: number;
}

/**
 * Ensures the coordinator holds live data: a no-op when the sentinel exists; otherwise restores
 * the newest backups (if any) and writes the sentinel with the next generation.
 */
export async function ensureCoordinatorData(c: Coordinator, objects: ObjectStore, logger: Logger): Promise<RestoreResult> {
  const sentinel = await c.get(GENERATION_KEY);
  if (sentinel) return { restored: false, generation: Number(sentinel.value), keys: 0 };
  const decoder = new TextDecoder();
  const snapshots = await objects.list(catalogSnapshotPrefix());
  const manifests = await objects.list(manifestBackupPrefix());
  let generation = 0;
  let keys = 0;
  if (snapshots.length > 0) {
    const newest = JSON.parse(decoder.decode(await objects.get(snapshots[snapshots.length - 1].key))) as CatalogSnapshot;
    generation = Math.max(generation, newest.generation);
    for (const e of newest.entries) {
      const jump = SEQUENCE_JUMP[e.key];
      const value = jump ? String(Number(e.value) + jump) : e.value;
      if (await putIfAbsent(c, e.key, value)) keys++;
    }
  }
  for (const m of manifests) {
    const backup = JSON.parse(decoder.decode(await objects.get(m.key))) as ManifestBackup;
    generation = Math.max(generation, backup.generation);
    if (await putIfAbsent(c, backup.key, backup.value)) keys++;
  }
  await putIfAbsent(c, GENERATION_KEY, String(generation + 1));
  const restored = snapshots.length > 0 || manifests.length > 0;
  if (restored) logger.warn('coordinator data was missing: restored from object-store backups', { keys, generation: generation + 1 });
  return { restored, generation: generation + 1, keys };
}

/**
 * Checks the sentinel every `intervalMs` and restores when it disappeared (the coordinator lost
 * its data while running). `check()` can also be called on suspicion (a missing collection).
 */
export class RecoveryGuard {
  private timer: ReturnType<typeof setInterval> | null = null;
  private running: Promise<RestoreResult> | null = null;

  constructor(
    private readonly coordinator: Coordinator,
    private readonly objects: ObjectStore,
    private readonly logger: Logger,
    private readonly onRestored: () => void = () => undefined,
  ) {}

  start(intervalMs = 2000): void {
    this.timer ??= setInterval(() => void this.check().catch(() => undefined), intervalMs);
    this.timer.unref?.();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Restores if needed; concurrent calls share one run. */
  check(): Promise<RestoreResult> {
    this.running ??= ensureCoordinatorData(this.coordinator, this.objects, this.logger)
      .then((r) => {
        if (r.restored) this.onRestored();
        return r;
      })
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }
}
