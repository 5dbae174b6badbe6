/** Object-store layout of the coordinator backups (see backed-up-coordinator.ts). */

export const BACKUP_ROOT = 'coordinator-backup/';
/** Sentinel coordinator key: present once the coordinator holds (or was restored to) live data. */
export const GENERATION_KEY = 'meta/generation';

/** Immutable catalog snapshots; the lexicographically largest name is the newest. */
export function catalogSnapshotKey(generation: number, version: number): string {
  return `${BACKUP_ROOT}catalog/${String(generation).padStart(8, '0')}-${String(version).padStart(16, '0')}.json`;
}

export const catalogSnapshotPrefix = () => `${BACKUP_ROOT}catalog/`;

/** The latest manifest of one shard, overwritten by its owner after every publish. */
export function manifestBackupKey(manifestKey: string): string {
  return `${BACKUP_ROOT}manifests/${manifestKey}.json`;
}

export const manifestBackupPrefix = () => `${BACKUP_ROOT}manifests/`;

/** Catalog snapshots kept; older ones are deleted after a newer one is written. */
export const CATALOG_SNAPSHOTS_KEPT = 20;
