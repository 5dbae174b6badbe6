/**
 * The process registry: every proxy, indexer and standalone server keeps a record of itself on
 * the coordinator, renewed by a heartbeat and dropped by the coordinator once its TTL passes
 * without one. It rides on the Coordinator port's process leases (`heartbeat`,
 * `liveProcesses`); the record's details travel in the lease's string map.
 *
 * Runtime-agnostic: host name, pid and clock are injected by the composition root.
 */
import type { Coordinator, ProcessInfo } from '../ports/coordinator.ts';
import type { ProcessRole, ProcessStatus } from './status-schema.ts';
import { QUIVER_VERSION } from './version.ts';

/** Heartbeat period by default, ms. */
export const DEFAULT_HEARTBEAT_INTERVAL_MS = 5_000;
/** Lease length by default, ms: three missed heartbeats and the record is gone. */
export const DEFAULT_HEARTBEAT_TTL_MS = 15_000;

/** What a process says about itself; fixed for its lifetime. */
export interface ProcessIdentity {
  /** Unique per process start. */
  id: string;
  role: ProcessRole;
  host: string;
  pid: number;
  version: string;
  /** HTTP base URL for servers, '' for an indexer. */
  address: string;
  /** Milliseconds since the epoch. */
  startedAt: number;
}

/** A shard an indexer owns, as it reports it with each heartbeat. */
export interface OwnedShard {
  topic: string;
  shard: number;
  state: string;
  reason: string;
}

export interface ProcessRegistryOptions {
  coordinator: Coordinator;
  identity: ProcessIdentity;
  /** Milliseconds since the epoch. */
  now(): number;
  /** Heartbeat period, ms (default 5 s). */
  intervalMs?: number;
  /** How long a record outlives its last heartbeat, ms (default 15 s). Must exceed intervalMs. */
  ttlMs?: number;
  /**
   * Shards this process owns (indexers). Sent with every heartbeat, and checked every
   * `changeCheckMs` so that a change (a shard taken or lost) is reported without waiting for
   * the next heartbeat. Must be cheap: it runs on the event loop.
   */
  ownedShards?: () => OwnedShard[];
  /** How often ownedShards is checked for changes, ms (default 1 s). */
  changeCheckMs?: number;
  /** Told about a failed heartbeat; the next one is tried on schedule regardless. */
  onError?: (err: unknown) => void;
}

/** An indexer's own shard report (Indexer.status()) as the registry sends it. */
export function ownedShardsFrom(shards: ReadonlyArray<{ topic: string; shard: number; status: string; reason: string }>): OwnedShard[] {
  return shards.map((s) => ({ topic: s.topic, shard: s.shard, state: s.status, reason: s.reason }));
}

/** Keys of the lease's info map. */
const INFO = {
  host: 'host',
  pid: 'pid',
  version: 'version',
  address: 'address',
  startedAt: 'startedAt',
  heartbeatAt: 'heartbeatAt',
  shards: 'shards',
} as const;

/** Keeps this process's record alive on the coordinator from start() until stop(). */
export class ProcessRegistry {
  private timer: ReturnType<typeof setInterval> | null = null;
  private changeTimer: ReturnType<typeof setInterval> | null = null;
  /** ownedShards as last sent (JSON). */
  private sentShards = '';
  private stopped = false;
  private readonly intervalMs: number;
  private readonly ttlMs: number;

  constructor(private readonly o: ProcessRegistryOptions) {
    this.intervalMs = o.intervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS;
    this.ttlMs = o.ttlMs ?? DEFAULT_HEARTBEAT_TTL_MS;
    if (!(this.ttlMs > this.intervalMs)) {
      throw new Error(`process record ttlMs (${this.ttlMs}) must exceed the heartbeat interval (${this.intervalMs})`);
    }
  }

  get id(): string {
    return this.o.identity.id;
  }

  /** Writes the record now and then every interval. Idempotent; failures go to onError. */
  start(): void {
    if (this.timer || this.stopped) return;
    void this.beatQuietly();
    this.timer = setInterval(() => void this.beatQuietly(), this.intervalMs);
    if (this.o.ownedShards) {
      const ownedShards = this.o.ownedShards;
      this.changeTimer = setInterval(() => {
        if (JSON.stringify(ownedShards()) !== this.sentShards) void this.beatQuietly();
      }, this.o.changeCheckMs ?? 1_000);
    }
    // Heartbeats alone must not keep a Node process alive (no-op where timers are numbers).
    for (const t of [this.timer, this.changeTimer]) (t as { unref?: () => void } | null)?.unref?.();
  }

  /** One heartbeat; rejects with the coordinator's error. */
  async beat(): Promise<void> {
    await this.o.coordinator.heartbeat({ id: this.id, role: this.o.identity.role, info: this.info() }, this.ttlMs);
  }

  /**
   * Stops the heartbeats and lets the record lapse at once (a lease of 1 ms: the port has no
   * delete), so the process list drops a cleanly stopped process without waiting for the TTL.
   * Idempotent; never rejects (a record that could not be shortened expires by its TTL).
   */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.changeTimer) clearInterval(this.changeTimer);
    this.timer = null;
    this.changeTimer = null;
    await this.o.coordinator
      .heartbeat({ id: this.id, role: this.o.identity.role, info: this.info() }, 1)
      .catch(() => undefined);
  }

  private async beatQuietly(): Promise<void> {
    try {
      if (!this.stopped) await this.beat();
    } catch (err) {
      this.o.onError?.(err);
    }
  }

  private info(): Record<string, string> {
    const id = this.o.identity;
    const info: Record<string, string> = {
      [INFO.host]: id.host,
      [INFO.pid]: String(id.pid),
      [INFO.version]: id.version,
      [INFO.address]: id.address,
      [INFO.startedAt]: String(id.startedAt),
      [INFO.heartbeatAt]: String(this.o.now()),
    };
    if (this.o.ownedShards) {
      this.sentShards = JSON.stringify(this.o.ownedShards());
      info[INFO.shards] = this.sentShards;
    }
    return info;
  }
}

function numberOrNull(text: string | undefined): number | null {
  if (text === undefined || text === '') return null;
  const n = Number(text);
  return Number.isFinite(n) ? n : null;
}

/** A lease as the status document shows it; fields a foreign writer left out become ''/null. */
export function processStatusOf(p: ProcessInfo): ProcessStatus {
  const pid = numberOrNull(p.info[INFO.pid]);
  return {
    id: p.id,
    role: p.role,
    host: p.info[INFO.host] ?? '',
    pid: pid !== null && Number.isInteger(pid) ? pid : null,
    version: p.info[INFO.version] ?? '',
    address: p.info[INFO.address] ?? '',
    startedAt: numberOrNull(p.info[INFO.startedAt]),
    lastHeartbeat: numberOrNull(p.info[INFO.heartbeatAt]),
    expiresAt: p.expiresAt,
  };
}

/** The shards a lease says its process owns; [] when it reports none or garbage. */
export function ownedShardsOf(p: ProcessInfo): OwnedShard[] {
  const text = p.info[INFO.shards];
  if (!text) return [];
  try {
    const parsed: unknown = JSON.parse(text);
    if (!Array.isArray(parsed)) return [];
    return parsed.filter(
      (s): s is OwnedShard =>
        typeof s === 'object' && s !== null && typeof s.topic === 'string' && Number.isInteger(s.shard) &&
        typeof s.state === 'string' && typeof s.reason === 'string',
    );
  } catch {
    return [];
  }
}

/** What a composition root knows about its process; the rest is filled in. */
export interface RegisterOptions {
  coordinator: Coordinator;
  role: ProcessRole;
  /** Host name of the machine (os.hostname() on Node). */
  host: string;
  pid: number;
  /** HTTP base URL for servers, '' for an indexer. */
  address: string;
  /** A fresh unique id (randomUUID). */
  newId(): string;
  /** Milliseconds since the epoch. */
  now(): number;
  /** Where failed heartbeats are reported (they are retried on schedule). */
  warn(message: string, fields: Record<string, unknown>): void;
  ownedShards?: () => OwnedShard[];
  /** Default: this code's version (package.json). */
  version?: string;
}

/**
 * Creates this process's record and starts its heartbeats. Never throws
 * for coordinator trouble: failures are reported through `warn` and retried.
 */
export function registerProcess(o: RegisterOptions): ProcessRegistry {
  const registry = new ProcessRegistry({
    coordinator: o.coordinator,
    identity: { id: o.newId(), role: o.role, host: o.host, pid: o.pid, version: o.version ?? QUIVER_VERSION, address: o.address, startedAt: o.now() },
    now: o.now,
    ownedShards: o.ownedShards,
    onError: (err) => o.warn('process heartbeat failed', { role: o.role, error: err instanceof Error ? err.message : String(err) }),
  });
  registry.start();
  return registry;
}

/**
 * The base URL other machines reach a server at: the bound host, or the machine's name when
 * bound to every interface (0.0.0.0 / ::). IPv6 literals get brackets.
 */
export function advertisedAddress(boundHost: string, port: number, machineName: string): string {
  const host = boundHost === '0.0.0.0' || boundHost === '::' || boundHost === '' ? machineName : boundHost;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}
