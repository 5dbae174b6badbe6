/**
 * Reads configuration once at process start: quiver.yaml (path from --config or QUIVER_CONFIG),
 * then QUIVER_* environment variables on top, then command-line overrides, validated by the zod
 * schema. Errors name the offending key. Never called at import time.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { configSchema, type QuiverConfig } from './schema.ts';

/** Environment variables and the config path they set. Values are parsed as JSON when they look like it. */
export const ENV_KEYS: Record<string, string> = {
  QUIVER_DATA_DIR: 'dataDir',
  QUIVER_HOST: 'server.host',
  QUIVER_PORT: 'server.port',
  QUIVER_MAX_BODY_BYTES: 'server.maxBodyBytes',
  QUIVER_REQUEST_TIMEOUT_MS: 'server.requestTimeoutMs',
  QUIVER_TLS_CERT_FILE: 'server.tls.certFile',
  QUIVER_TLS_KEY_FILE: 'server.tls.keyFile',
  QUIVER_LOG_KIND: 'log.kind',
  QUIVER_LOG_PATH: 'log.path',
  QUIVER_LOG_MAX_RECORD_BYTES: 'log.maxRecordBytes',
  QUIVER_OBJECT_STORE_KIND: 'objectStore.kind',
  QUIVER_OBJECT_STORE_PATH: 'objectStore.path',
  QUIVER_COORDINATOR_KIND: 'coordinator.kind',
  QUIVER_COORDINATOR_PATH: 'coordinator.path',
  QUIVER_KAFKA_BROKERS: 'log.brokers',
  QUIVER_KAFKA_CLIENT_ID: 'log.clientId',
  QUIVER_KAFKA_REPLICATION_FACTOR: 'log.replicationFactor',
  QUIVER_KAFKA_LINGER_MS: 'log.lingerMs',
  QUIVER_KAFKA_SESSION_TIMEOUT_MS: 'log.sessionTimeoutMs',
  QUIVER_KAFKA_SECURITY_PROTOCOL: 'log.security.protocol',
  QUIVER_KAFKA_SASL_MECHANISM: 'log.security.saslMechanism',
  QUIVER_KAFKA_USERNAME: 'log.security.username',
  QUIVER_KAFKA_PASSWORD: 'log.security.password',
  QUIVER_KAFKA_CA_FILE: 'log.security.caFile',
  QUIVER_S3_ENDPOINT: 'objectStore.endpoint',
  QUIVER_S3_BUCKET: 'objectStore.bucket',
  QUIVER_S3_REGION: 'objectStore.region',
  QUIVER_S3_ACCESS_KEY_ID: 'objectStore.accessKeyId',
  QUIVER_S3_SECRET_ACCESS_KEY: 'objectStore.secretAccessKey',
  QUIVER_S3_FORCE_PATH_STYLE: 'objectStore.forcePathStyle',
  QUIVER_S3_PREFIX: 'objectStore.prefix',
  QUIVER_REDIS_URL: 'coordinator.url',
  QUIVER_REDIS_KEY_PREFIX: 'coordinator.keyPrefix',
  QUIVER_TOPIC_PREFIX: 'topicPrefix',
  QUIVER_BOUNDED_STALENESS_MS: 'consistency.boundedStalenessMs',
  QUIVER_FLUSH_INTERVAL_MS: 'indexer.flushIntervalMs',
  QUIVER_MAX_BUFFER_ROWS: 'indexer.maxBufferRows',
  QUIVER_L0_MERGE_COUNT: 'indexer.l0MergeCount',
  QUIVER_HNSW_MIN_ROWS: 'indexer.hnswMinRows',
  QUIVER_TIER_MERGE_COUNT: 'indexer.tierMergeCount',
  QUIVER_BUILD_THREADS: 'indexer.buildThreads',
  QUIVER_INDEXER_HTTP_PORT: 'indexer.httpPort',
  QUIVER_ACCEPT_RETENTION_GAP: 'indexer.acceptRetentionGap',
  QUIVER_LOG_LEVEL: 'logging.level',
  QUIVER_LOG_REQUESTS: 'logging.requests',
  QUIVER_AUTH_ENABLED: 'auth.enabled',
  QUIVER_AUTH_ROOT_PASSWORD: 'auth.rootPassword',
  QUIVER_AUTH_PASSWORD_HASH_ITERATIONS: 'auth.passwordHashIterations',
  QUIVER_AUTH_CACHE_TTL_MS: 'auth.cacheTtlMs',
  QUIVER_RATE_LIMIT_ENABLED: 'limits.rateLimit.enabled',
  QUIVER_RATE_LIMIT_RPS: 'limits.rateLimit.requestsPerSecond',
  QUIVER_RATE_LIMIT_BURST: 'limits.rateLimit.burst',
  QUIVER_MAX_ROWS_PER_REQUEST: 'limits.maxRowsPerRequest',
  QUIVER_MAX_FILTER_LENGTH: 'limits.maxFilterLength',
  QUIVER_MAX_JSON_DEPTH: 'limits.maxJsonDepth',
  QUIVER_MAX_STRING_LENGTH: 'limits.maxStringLength',
};

/**
 * Variables whose value is always text: secrets and names must not be read as JSON (a password
 * "123456" or "true" stays a string instead of becoming a number or a boolean).
 */
const TEXT_ENV_KEYS: ReadonlySet<string> = new Set([
  'QUIVER_AUTH_ROOT_PASSWORD',
  'QUIVER_KAFKA_USERNAME',
  'QUIVER_KAFKA_PASSWORD',
  'QUIVER_KAFKA_CLIENT_ID',
  'QUIVER_S3_BUCKET',
  'QUIVER_S3_ACCESS_KEY_ID',
  'QUIVER_S3_SECRET_ACCESS_KEY',
  'QUIVER_S3_PREFIX',
  'QUIVER_REDIS_URL',
  'QUIVER_REDIS_KEY_PREFIX',
  'QUIVER_TOPIC_PREFIX',
]);

/** Thrown for any invalid configuration; the message names every offending key. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    if (typeof node[part] !== 'object' || node[part] === null) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts[parts.length - 1]] = value;
}

function parseEnvValue(raw: string): unknown {
  // Numbers and booleans arrive as strings; JSON covers them and leaves plain words alone.
  if (/^(-?\d+(\.\d+)?|true|false|\[.*\]|\{.*\})$/s.test(raw.trim())) {
    try {
      return JSON.parse(raw);
    } catch {
      return raw;
    }
  }
  return raw;
}

export interface LoadOptions {
  env: Record<string, string | undefined>;
  /** Path of a YAML file; when absent, QUIVER_CONFIG or ./quiver.yaml if it exists. */
  file?: string;
  /** Dotted-path overrides from the command line (e.g. {"server.port": 8080}). */
  overrides?: Record<string, unknown>;
}

/** Builds the validated configuration. Throws ConfigError naming the key on any problem. */
export function loadConfig(options: LoadOptions): QuiverConfig {
  const raw: Record<string, unknown> = {};
  const file = options.file ?? options.env.QUIVER_CONFIG;
  const candidate = file ?? 'quiver.yaml';
  let text: string | undefined;
  try {
    text = readFileSync(candidate, 'utf8');
  } catch (err) {
    if (file) throw new ConfigError(`cannot read config file ${file}: ${(err as Error).message}`);
  }
  if (text !== undefined) {
    const parsed: unknown = parseYaml(text);
    if (parsed !== null && typeof parsed === 'object') Object.assign(raw, parsed);
    else if (parsed !== null && parsed !== undefined) throw new ConfigError(`${candidate}: top level must be a mapping`);
  }
  for (const [name, path] of Object.entries(ENV_KEYS)) {
    const value = options.env[name];
    if (value !== undefined && value !== '') setPath(raw, path, TEXT_ENV_KEYS.has(name) ? value : parseEnvValue(value));
  }
  for (const [path, value] of Object.entries(options.overrides ?? {})) setPath(raw, path, value);
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  return result.data;
}
