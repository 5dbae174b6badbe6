/**
 * Coordinator on Redis (through ioredis), for the cluster shape: every proxy and indexer of a
 * deployment shares one Redis.
 *
 * Semantics match the local adapter (and the port's contract):
 * - Versions come from one global revision counter: every commit that changes something takes
 *   the next revision and every key it puts gets it, so versions grow on every change and are
 *   never reused, also across delete and re-create, and across Redis losing its data (the
 *   counter is re-seeded from the clock, see scripts.ts).
 * - commit runs one Lua script that checks every condition and then applies every op: all or
 *   nothing, serialised with every other commit by Redis's single-threaded execution.
 * - get and list read a consistent snapshot (one HMGET, one script).
 * - watch: pub/sub from the commit script plus a polling fallback (watch.ts).
 * - Leases expire by Redis's clock (leases.ts).
 *
 * Durability is Redis's: with AOF (appendfsync always) a resolved commit survives a Redis crash;
 * without persistence a Redis restart loses everything, and the layers above rebuild catalog and
 * manifests from the object store by ordinary commits. Nothing here prevents that: keys are
 * plain hashes under the prefix, and restored keys get versions above any version seen before.
 *
 * Outages: calls fail with CoordinatorUnavailableError within `commandTimeoutMs` — at once when
 * Redis has been unreachable for more than a second — and the connections heal by themselves
 * when Redis returns (connection.ts). Watches keep their registrations through an outage and
 * catch up on what changed meanwhile with their next poll.
 */

import { silentLogger, type Logger } from '../../logger.ts';
import {
  ConflictError,
  CoordinatorUnavailableError,
  type CommitOp,
  type Coordinator,
  type ProcessInfo,
  type VersionedValue,
} from '../../ports/coordinator.ts';
import { assertValidKey, assertWellFormed, validateOps } from '../local-coordinator/commit-ops.ts';
import { warnWatchError, type WatchErrorHandler } from '../local-coordinator/watch-hub.ts';
import { closeConnection, connect, ConnectionHealth, describeRedisUrl, type ScriptedRedis } from './connection.ts';
import { translateRedisError } from './errors.ts';
import { RedisKeyLayout } from './keys.ts';
import { liveLeases, prepareLease, writeLease } from './leases.ts';
import { WatchHub, type ScanRequest, type ScanResult } from './watch.ts';

/** After this many ms of failed reconnects, calls fail at once instead of waiting in a queue. */
const FAIL_FAST_AFTER_MS = 1_000;

export interface RedisCoordinatorOptions {
  /** redis://[user:password@]host:port[/db] or rediss:// for TLS. The password is never logged. */
  url: string;
  /** Prefix of every Redis key and of the change channel (see keys.ts). */
  keyPrefix: string;
  /** Milliseconds between watch polls that catch changes pub/sub missed. Default 1000. */
  pollMs?: number;
  /** Receives errors thrown by watch callbacks. Default: a process warning. */
  onWatchError?: WatchErrorHandler;
  logger?: Logger;
  /** Longest time one call may take before CoordinatorUnavailableError, ms. Default 5000. */
  commandTimeoutMs?: number;
  /** Milliseconds to connect to Redis before an attempt counts as failed. Default 2000. */
  connectTimeoutMs?: number;
}

/**
 * Opens a coordinator on the Redis at `options.url`. Does not wait for Redis: an unreachable
 * server is an outage like any later one (calls fail with CoordinatorUnavailableError until it
 * answers). Throws an Error for malformed options.
 */
export async function openRedisCoordinator(options: RedisCoordinatorOptions): Promise<Coordinator> {
  if (typeof options.url !== 'string' || !/^rediss?:\/\//.test(options.url)) {
    throw new Error('redis coordinator: url must start with redis:// or rediss://');
  }
  if (typeof options.keyPrefix !== 'string') throw new Error('redis coordinator: keyPrefix must be a string');
  assertWellFormed(options.keyPrefix, 'keyPrefix');
  const pollMs = options.pollMs ?? 1_000;
  if (!Number.isSafeInteger(pollMs) || pollMs < 10) {
    throw new Error(`redis coordinator: pollMs must be an integer of at least 10, got ${String(pollMs)}`);
  }
  return new RedisCoordinator(options, pollMs);
}

class RedisCoordinator implements Coordinator {
  private readonly layout: RedisKeyLayout;
  private readonly logger: Logger;
  private readonly redis: ScriptedRedis;
  private readonly health: ConnectionHealth;
  private subscriber: ScriptedRedis | undefined;
  private readonly hub: WatchHub;
  private closing: Promise<void> | undefined;
  private pollFailing = false;

  constructor(
    private readonly options: RedisCoordinatorOptions,
    pollMs: number,
  ) {
    this.layout = new RedisKeyLayout(options.keyPrefix);
    this.logger = options.logger ?? silentLogger;
    this.redis = connect(this.connectionSettings(), 'commands');
    this.health = new ConnectionHealth(this.redis);
    this.hub = new WatchHub(
      (requests) => this.scanVersions(requests),
      options.onWatchError ?? warnWatchError,
      (error) => this.reportPollError(error),
      pollMs,
    );
  }

  async get(key: string): Promise<VersionedValue | null> {
    assertValidKey(key);
    this.assertOpen();
    let entry: Array<string | null>;
    try {
      entry = await this.redis.hmget(this.layout.data(key), 'value', 'version');
    } catch (err) {
      throw translateRedisError('get', err);
    }
    const [value, version] = entry;
    return value === null || version === null ? null : { key, value, version: Number(version) };
  }

  /** A snapshot of one moment (one script), sorted by the keys' UTF-8 bytes. */
  async list(prefix: string): Promise<VersionedValue[]> {
    if (typeof prefix !== 'string') throw new Error('coordinator list prefix must be a string');
    assertWellFormed(prefix, 'list prefix');
    this.assertOpen();
    let flat: string[];
    try {
      flat = await this.redis.quiverList(1, this.layout.index, this.layout.dataPrefix, prefix);
    } catch (err) {
      throw translateRedisError('list', err);
    }
    const found: VersionedValue[] = [];
    for (let i = 0; i + 2 < flat.length; i += 3) {
      found.push({ key: flat[i], value: flat[i + 1], version: Number(flat[i + 2]) });
    }
    return found;
  }

  /**
   * Applies all ops atomically when every condition holds (one Lua script); else rejects with
   * ConflictError naming the first failing key and its version. Throws an Error for malformed
   * ops before any I/O. CoordinatorUnavailableError means the outcome is unknown when the
   * connection broke after the script was sent: re-read before retrying a conditional commit.
   */
  async commit(ops: CommitOp[]): Promise<Record<string, number>> {
    validateOps(ops);
    for (const op of ops) {
      if (op.kind === 'put') assertWellFormed(op.value, `value of ${op.key}`);
    }
    this.assertOpen();
    if (ops.length === 0) return {};
    const keys = [this.layout.revision, this.layout.index, ...ops.map((op) => this.layout.data(op.key))];
    const args = [this.layout.channel, String(ops.length)];
    for (const op of ops) {
      const expected = op.expectedVersion;
      const condition = expected === undefined ? '' : expected === null ? '-' : String(expected);
      args.push(op.kind, condition, op.kind === 'put' ? op.value : '', op.key);
    }
    let reply: unknown[];
    try {
      reply = await this.redis.quiverCommit(keys.length, ...keys, ...args);
    } catch (err) {
      throw translateRedisError('commit', err);
    }
    if (Number(reply[0]) !== 1) {
      const failed = ops[Number(reply[1]) - 1];
      const actual = String(reply[2] ?? '');
      throw new ConflictError(failed.key, actual === '' ? null : Number(actual));
    }
    const revision = Number(reply[1]);
    const versions: Record<string, number> = {};
    for (const op of ops) {
      if (op.kind === 'put') versions[op.key] = revision;
      else if (op.kind === 'delete') delete versions[op.key];
    }
    return versions;
  }

  /**
   * Calls onChange(key) after keys under `prefix` change: within milliseconds through pub/sub,
   * within about `pollMs` for changes whose message was lost. Never throws for an unavailable
   * Redis: the watch starts working when Redis answers.
   */
  watch(prefix: string, onChange: (key: string) => void): () => void {
    if (typeof prefix !== 'string') throw new Error('coordinator watch prefix must be a string');
    assertWellFormed(prefix, 'watch prefix');
    this.assertNotClosed();
    this.ensureSubscriber();
    return this.hub.subscribe(prefix, onChange);
  }

  async heartbeat(process: Omit<ProcessInfo, 'expiresAt'>, ttlMs: number): Promise<void> {
    const lease = prepareLease(process, ttlMs);
    this.assertOpen();
    try {
      await writeLease(this.redis, this.layout, lease);
    } catch (err) {
      throw translateRedisError('heartbeat', err);
    }
  }

  async liveProcesses(): Promise<ProcessInfo[]> {
    this.assertOpen();
    try {
      return await liveLeases(this.redis, this.layout);
    } catch (err) {
      throw translateRedisError('liveProcesses', err);
    }
  }

  /** Stops watches, lets calls already sent finish (up to 1 s), closes both connections. */
  close(): Promise<void> {
    if (this.closing === undefined) {
      this.hub.close();
      const connections = [this.redis, ...(this.subscriber === undefined ? [] : [this.subscriber])];
      this.closing = Promise.all(connections.map((c) => closeConnection(c, 1_000))).then(() => undefined);
    }
    return this.closing;
  }

  /** The subscriber connection is opened on the first watch: processes that never watch need none. */
  private ensureSubscriber(): void {
    if (this.subscriber !== undefined) return;
    const subscriber = connect(this.connectionSettings(), 'subscriber');
    subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.layout.channel) this.hub.handleMessage(message);
    });
    // Messages published before the subscription took effect (first connect) or while the
    // connection was down (reconnect) are lost: poll as soon as the subscription is active
    // again instead of up to pollMs later. ioredis writes the resubscribe before emitting
    // 'ready', so the reply to a PING sent now proves the subscription is in place.
    subscriber.on('ready', () => {
      subscriber.ping().then(() => this.hub.poll(), () => undefined);
    });
    subscriber.subscribe(this.layout.channel).catch((err: unknown) => {
      // ioredis resubscribes on every reconnect; until then the poll delivers the changes.
      this.logger.warn('redis coordinator could not subscribe to changes yet', { error: String(err) });
    });
    this.subscriber = subscriber;
  }

  private async scanVersions(requests: ScanRequest[]): Promise<ScanResult> {
    const args = [this.layout.dataPrefix];
    for (const request of requests) args.push(request.prefix, String(request.asOf));
    const reply = await this.redis.quiverVersions(2, this.layout.revision, this.layout.index, ...args);
    const versions = reply.slice(1).map((entry) => {
      if (!Array.isArray(entry)) return null;
      const map = new Map<string, number>();
      for (let i = 0; i + 1 < entry.length; i += 2) map.set(String(entry[i]), Number(entry[i + 1]));
      return map;
    });
    if (this.pollFailing) {
      this.pollFailing = false;
      this.logger.info('redis coordinator watch poll works again');
    }
    return { revision: Number(reply[0]), versions };
  }

  private reportPollError(error: unknown): void {
    if (this.pollFailing) return; // one line per outage, not one per poll
    this.pollFailing = true;
    this.logger.warn('redis coordinator watch poll failed; retrying every poll interval', {
      error: error instanceof Error ? error.message : String(error),
    });
  }

  private connectionSettings() {
    return {
      url: this.options.url,
      connectTimeoutMs: this.options.connectTimeoutMs ?? 2_000,
      commandTimeoutMs: this.options.commandTimeoutMs ?? 5_000,
      logger: this.logger,
    };
  }

  private assertNotClosed(): void {
    if (this.closing !== undefined) {
      throw new CoordinatorUnavailableError(`redis coordinator for ${describeRedisUrl(this.options.url)} is closed`);
    }
  }

  /**
   * Throws CoordinatorUnavailableError when closed, or when Redis has been unreachable for
   * longer than FAIL_FAST_AFTER_MS (then queueing the call would only delay the same answer).
   */
  private assertOpen(): void {
    this.assertNotClosed();
    const down = this.health.unavailableFor();
    if (down > FAIL_FAST_AFTER_MS) {
      throw new CoordinatorUnavailableError(
        `redis coordinator: ${describeRedisUrl(this.options.url)} unreachable for ${down} ms (${this.health.reason()})`,
      );
    }
  }
}
