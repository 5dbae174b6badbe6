/**
 * Options of the Kafka log and the librdkafka configuration derived from them. The fields mirror
 * the `log` member of the config schema with `kind: 'kafka'` (src/shared/config/schema.ts), so
 * the composition root passes that member as is; everything else has a default chosen here.
 *
 * Nothing in this file reads the environment, and no configuration error names a secret's value.
 */
import { LogError } from '../../ports/log.ts';
import { silentLogger, type Logger } from '../../logger.ts';

export interface KafkaSecurityOptions {
  protocol?: 'plaintext' | 'ssl' | 'sasl_plaintext' | 'sasl_ssl';
  saslMechanism?: 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512';
  username?: string;
  /** Secret: never logged, never part of an error message. */
  password?: string;
  /** PEM file of the CA that signed the brokers' certificates (ssl, sasl_ssl). */
  caFile?: string;
}

export interface KafkaLogOptions {
  /** The config member's tag; accepted so the member can be passed as is. */
  kind?: 'kafka';
  /** Bootstrap brokers, "host:port" separated by commas. */
  brokers: string;
  /** client.id of every connection, visible in broker logs and quotas. Default "quiver". */
  clientId?: string;
  /** Replication factor of topics created here; -1 (default) = the broker's default. */
  replicationFactor?: number;
  /** Largest record payload in bytes; larger ones are rejected 'too-large'. Default 900 KiB. */
  maxRecordBytes?: number;
  /** Producer batching delay in milliseconds (librdkafka linger.ms). Default 5. */
  lingerMs?: number;
  /** Producer batch compression. Default 'lz4' (see producer.ts for the measurements). */
  compression?: 'none' | 'lz4' | 'zstd';
  /**
   * Milliseconds a send may take, retries included, before it rejects 'unavailable'
   * (librdkafka message.timeout.ms). Default 30000.
   */
  sendTimeoutMs?: number;
  /** Milliseconds an admin, metadata or offset request may take. Default 15000. */
  requestTimeoutMs?: number;
  /**
   * Milliseconds without heartbeats after which the group hands a member's partitions to the
   * others (a crashed indexer). Default 10000. Brokers accept only values within their
   * group.min.session.timeout.ms (6000 by default) and group.max.session.timeout.ms.
   */
  sessionTimeoutMs?: number;
  /**
   * Partition assignment strategy of consumer groups. 'cooperative-sticky' (default): a
   * rebalance moves only the partitions that change owner, the others keep being consumed.
   * 'range': the eager protocol (every rebalance revokes everything first), for groups shared
   * with clients that only speak it.
   */
  assignor?: 'cooperative-sticky' | 'range';
  security?: KafkaSecurityOptions;
  logger?: Logger;
}

/** Options with every default applied and checked. */
export interface ResolvedKafkaOptions {
  brokers: string;
  clientId: string;
  replicationFactor: number;
  maxRecordBytes: number;
  lingerMs: number;
  compression: 'none' | 'lz4' | 'zstd';
  sendTimeoutMs: number;
  requestTimeoutMs: number;
  sessionTimeoutMs: number;
  assignor: 'cooperative-sticky' | 'range';
  security: KafkaSecurityOptions & { protocol: NonNullable<KafkaSecurityOptions['protocol']> };
  logger: Logger;
}

/** librdkafka configuration: property name to value. */
export type RdKafkaConfig = Record<string, string | number | boolean | ((...args: never[]) => unknown)>;

/** How often (ms) consumers look for topics matching their pattern; also librdkafka's refresh. */
export const METADATA_REFRESH_MS = 1000;

const DEFAULT_MAX_RECORD_BYTES = 900 * 1024;

function invalid(key: string, why: string): LogError {
  return new LogError(`invalid Kafka log option ${key}: ${why}`, 'invalid');
}

function integer(key: string, value: unknown, min: number, max: number): number {
  if (!Number.isSafeInteger(value) || (value as number) < min || (value as number) > max) {
    throw invalid(key, `expected an integer from ${min} to ${max}, got ${String(value)}`);
  }
  return value as number;
}

/**
 * Applies defaults and checks every option. Throws LogError 'invalid' naming the key; the value
 * is quoted only for non-secret keys.
 */
export function resolveOptions(options: KafkaLogOptions): ResolvedKafkaOptions {
  const brokers = typeof options.brokers === 'string' ? options.brokers.trim() : '';
  if (brokers === '' || !brokers.split(',').every((b) => /^[^\s:]+:\d{1,5}$/.test(b.trim()))) {
    throw invalid('brokers', `expected "host:port" separated by commas, got ${JSON.stringify(options.brokers)}`);
  }
  const clientId = options.clientId ?? 'quiver';
  if (typeof clientId !== 'string' || clientId === '') throw invalid('clientId', 'expected a non-empty string');
  const replicationFactor = integer('replicationFactor', options.replicationFactor ?? -1, -1, 32767);
  if (replicationFactor === 0) throw invalid('replicationFactor', 'expected -1 or at least 1');
  const compression = options.compression ?? 'lz4';
  if (!['none', 'lz4', 'zstd'].includes(compression)) {
    throw invalid('compression', `expected none, lz4 or zstd, got ${JSON.stringify(compression)}`);
  }
  const assignor = options.assignor ?? 'cooperative-sticky';
  if (assignor !== 'cooperative-sticky' && assignor !== 'range') {
    throw invalid('assignor', `expected cooperative-sticky or range, got ${JSON.stringify(assignor)}`);
  }
  const security = { ...options.security, protocol: options.security?.protocol ?? 'plaintext' };
  if (!['plaintext', 'ssl', 'sasl_plaintext', 'sasl_ssl'].includes(security.protocol)) {
    throw invalid('security.protocol', `unsupported protocol ${JSON.stringify(security.protocol)}`);
  }
  if (security.protocol.startsWith('sasl_')) {
    if (!security.saslMechanism) throw invalid('security.saslMechanism', `required with ${security.protocol}`);
    if (!security.username) throw invalid('security.username', `required with ${security.protocol}`);
    if (!security.password) throw invalid('security.password', `required with ${security.protocol}`);
  }
  if (security.caFile !== undefined && !security.protocol.endsWith('ssl')) {
    throw invalid('security.caFile', `only used with ssl or sasl_ssl, not ${security.protocol}`);
  }
  return {
    brokers,
    clientId,
    replicationFactor,
    maxRecordBytes: integer('maxRecordBytes', options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES, 1, 100 * 1024 * 1024),
    lingerMs: integer('lingerMs', options.lingerMs ?? 5, 0, 60_000),
    compression,
    sendTimeoutMs: integer('sendTimeoutMs', options.sendTimeoutMs ?? 30_000, 1000, 3_600_000),
    requestTimeoutMs: integer('requestTimeoutMs', options.requestTimeoutMs ?? 15_000, 100, 600_000),
    sessionTimeoutMs: integer('sessionTimeoutMs', options.sessionTimeoutMs ?? 10_000, 1000, 600_000),
    assignor,
    security,
    logger: options.logger ?? silentLogger,
  };
}

/** Connection settings every client shares: brokers, identity, TLS and SASL. */
export function commonConfig(o: ResolvedKafkaOptions): RdKafkaConfig {
  const config: RdKafkaConfig = {
    'bootstrap.servers': o.brokers,
    'client.id': o.clientId,
    'security.protocol': o.security.protocol,
    'socket.keepalive.enable': true,
    // Reconnect within a second once a broker is back, instead of backing off to 10 s.
    'reconnect.backoff.max.ms': 1000,
    // Idle connections are closed by brokers routinely; that is not worth an error event.
    'log.connection.close': false,
  };
  if (o.security.protocol.startsWith('sasl_')) {
    config['sasl.mechanisms'] = o.security.saslMechanism!;
    config['sasl.username'] = o.security.username!;
    config['sasl.password'] = o.security.password!;
  }
  if (o.security.caFile !== undefined) config['ssl.ca.location'] = o.security.caFile;
  return config;
}

/**
 * The producer: idempotent (no duplicates or reordering from retries) with acks=all, batching by
 * linger.ms and compression, bounded by message.timeout.ms. Topics are never auto-created.
 */
export function producerConfig(o: ResolvedKafkaOptions): RdKafkaConfig {
  return {
    ...commonConfig(o),
    'enable.idempotence': true,
    acks: 'all',
    'linger.ms': o.lingerMs,
    'compression.codec': o.compression,
    'message.timeout.ms': o.sendTimeoutMs,
    'request.timeout.ms': Math.min(30_000, o.sendTimeoutMs),
    // Room for a record of maxRecordBytes plus its key and the batch framing.
    'message.max.bytes': Math.max(1_000_000, o.maxRecordBytes + 64 * 1024),
    // Memory bound of records waiting for acknowledgement; a full queue delays send().
    'queue.buffering.max.kbytes': 256 * 1024,
    'allow.auto.create.topics': false,
    dr_cb: true,
  };
}

/**
 * A consumer-group member. Offsets are only committed explicitly; an out-of-range position
 * raises an error ('auto.offset.reset' = error) instead of jumping; partitions move
 * incrementally (cooperative-sticky by default), so a rebalance does not stop the members' other
 * partitions. Heartbeats every second let a rebalance start within about a second of a member
 * joining or leaving.
 */
export function consumerConfig(o: ResolvedKafkaOptions, groupId: string): RdKafkaConfig {
  return {
    ...commonConfig(o),
    'group.id': groupId,
    'enable.auto.commit': false,
    'enable.auto.offset.store': false,
    'auto.offset.reset': 'error',
    'partition.assignment.strategy': o.assignor,
    'session.timeout.ms': o.sessionTimeoutMs,
    'heartbeat.interval.ms': Math.min(1000, Math.floor(o.sessionTimeoutMs / 3)),
    'topic.metadata.refresh.interval.ms': METADATA_REFRESH_MS,
    'allow.auto.create.topics': false,
    'enable.partition.eof': false,
    // Records larger than the default 1 MiB per-partition fetch still arrive (Kafka returns at
    // least one batch), but allow a full maxRecordBytes batch per partition fetch.
    'max.partition.fetch.bytes': Math.max(1_048_576, o.maxRecordBytes + 64 * 1024),
  };
}

/** The admin client: topics, offsets, record deletion, metadata. */
export function adminConfig(o: ResolvedKafkaOptions): RdKafkaConfig {
  return { ...commonConfig(o) };
}
