/** The embedded durable log adapter: see embedded-log.ts for its durability policy. */
export { openEmbeddedLog, type EmbeddedLog, type EmbeddedLogOptions, type SyncMode } from './embedded-log.ts';
export { LogFaults, type InjectedFailureKind } from './faults.ts';
