/**
 * ioredis connections of the coordinator, configured so that an outage fails fast and heals by
 * itself:
 *
 * - Reconnect forever with capped exponential backoff (50 ms doubling to 2 s): when Redis
 *   returns, the coordinator works again without a restart.
 * - Bounded waiting: a command issued while disconnected waits in ioredis's offline queue for at
 *   most `maxRetriesPerRequest` + 1 reconnect attempts, and every command has a timeout; so no
 *   call hangs for longer than `commandTimeoutMs`. Once the connection has been down for a
 *   while (`ConnectionHealth`), calls fail at once instead of queueing: during a real outage
 *   callers get their answer immediately, while a blip of a few hundred ms is still absorbed.
 * - No automatic resend of commands that were already written when the connection dropped:
 *   the server may have executed them, and running a commit twice could apply an unconditional
 *   commit twice or turn our own success into a ConflictError. Such calls fail with
 *   CoordinatorUnavailableError instead (outcome unknown; see RedisCoordinator.commit).
 */

import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../../logger.ts';
import { COMMIT_SCRIPT, HEARTBEAT_SCRIPT, LIST_SCRIPT, LIVE_SCRIPT, VERSIONS_SCRIPT } from './scripts.ts';

export interface ConnectionSettings {
  url: string;
  /** Milliseconds to establish a TCP connection (and the Redis handshake). */
  connectTimeoutMs: number;
  /** Longest time any single command may take, queueing included, in milliseconds. */
  commandTimeoutMs: number;
  logger: Logger;
}

/** The scripts as methods; each takes the key count first, then keys, then arguments. */
export interface ScriptedRedis extends Redis {
  quiverCommit(numKeys: number, ...args: string[]): Promise<unknown[]>;
  quiverList(numKeys: number, ...args: string[]): Promise<string[]>;
  quiverVersions(numKeys: number, ...args: string[]): Promise<unknown[]>;
  quiverHeartbeat(numKeys: number, ...args: string[]): Promise<number>;
  quiverLive(numKeys: number, ...args: string[]): Promise<Array<string | number>>;
}

/**
 * Whether a connection is usable, from ioredis's events. `unavailableFor()` tells how long the
 * connection has been failing, so callers can stop queueing work on a server that is gone.
 */
export class ConnectionHealth {
  private downSince: number | undefined;
  private lastError = 'not connected yet';

  constructor(redis: Redis) {
    const markDown = (err?: Error) => {
      if (err !== undefined) this.lastError = err.message;
      this.downSince ??= Date.now();
    };
    redis.on('error', markDown);
    redis.on('close', () => markDown());
    redis.on('ready', () => {
      this.downSince = undefined;
    });
  }

  /** Milliseconds since the connection failed, 0 while it works (or is connecting the first time). */
  unavailableFor(): number {
    return this.downSince === undefined ? 0 : Date.now() - this.downSince;
  }

  /** The message of the last connection error, for error messages (never holds the URL). */
  reason(): string {
    return this.lastError;
  }
}

/** Opens (asynchronously; the call itself never fails for an unreachable server) a connection. */
export function connect(settings: ConnectionSettings, role: 'commands' | 'subscriber'): ScriptedRedis {
  const options: RedisOptions = {
    connectionName: `quiver-coordinator-${role}`,
    connectTimeout: settings.connectTimeoutMs,
    maxRetriesPerRequest: 2,
    // Capped at 1 s: a returning Redis is noticed within a second.
    retryStrategy: (attempt) => Math.min(50 * 2 ** (attempt - 1), 1_000),
    autoResendUnfulfilledCommands: false,
    autoResubscribe: true,
    enableOfflineQueue: true,
    // The subscriber must not time out: it waits for messages indefinitely by design.
    ...(role === 'commands' ? { commandTimeout: settings.commandTimeoutMs } : {}),
  };
  const redis = new Redis(settings.url, options) as ScriptedRedis;
  if (role === 'commands') {
    redis.defineCommand('quiverCommit', { lua: COMMIT_SCRIPT });
    redis.defineCommand('quiverList', { lua: LIST_SCRIPT, readOnly: true });
    redis.defineCommand('quiverVersions', { lua: VERSIONS_SCRIPT, readOnly: true });
    redis.defineCommand('quiverHeartbeat', { lua: HEARTBEAT_SCRIPT });
    redis.defineCommand('quiverLive', { lua: LIVE_SCRIPT });
  }
  reportOutages(redis, settings, role);
  return redis;
}

/**
 * Logs the first connection error of an outage and the recovery, not every reconnect attempt
 * (which would be one line every two seconds for as long as Redis is down). Listening to
 * 'error' also keeps ioredis from printing unhandled-error noise.
 */
function reportOutages(redis: Redis, settings: ConnectionSettings, role: string): void {
  const target = describeRedisUrl(settings.url);
  let down = false;
  redis.on('error', (err: Error) => {
    if (down) return;
    down = true;
    settings.logger.warn('redis coordinator connection failed; reconnecting', { role, target, error: err.message });
  });
  redis.on('ready', () => {
    if (!down) return;
    down = false;
    settings.logger.info('redis coordinator connection restored', { role, target });
  });
}

/**
 * Sends QUIT (which Redis answers after every command already sent on the connection) and
 * waits at most `graceMs` for it; then drops the socket, rejecting whatever is still pending.
 */
export async function closeConnection(redis: Redis, graceMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const grace = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, graceMs);
  });
  await Promise.race([redis.quit().then(() => undefined, () => undefined), grace]);
  clearTimeout(timer);
  redis.disconnect();
}

/** "host:port/db" of a redis:// URL for log lines: never the user name or password. */
export function describeRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    const db = parsed.pathname.length > 1 ? parsed.pathname : '';
    return `${parsed.protocol}//${parsed.host}${db}`;
  } catch {
    return '(unparseable redis url)';
  }
}
