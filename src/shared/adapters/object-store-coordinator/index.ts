/**
 * Read-only Coordinator over the coordinator backups in the object store, for the edge proxy.
 * See backup-coordinator.ts for what it serves and how stale it may be.
 */
export { openBackupCoordinator, ReadOnlyCoordinatorError, type BackupCoordinatorOptions } from './backup-coordinator.ts';
