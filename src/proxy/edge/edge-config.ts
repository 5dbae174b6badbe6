/**
 * Configuration of the edge proxy, from the Worker's environment (wrangler.toml [vars] and
 * secrets). Parsed once per isolate with zod at the entry; an invalid value answers every request
 * with an error naming the variable, never a half-configured proxy. Names follow the Node
 * tier's QUIVER_* variables where the setting is the same (S3, auth, limits).
 */
import { z } from 'zod';
import { configSchema, type QuiverConfig } from '../../shared/config/schema.ts';

const text = z.string().trim().min(1);
const url = z.url({ protocol: /^https?$/ });
const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const int = z.coerce.number().int();

export const edgeEnvSchema = z.object({
  /** Node proxy (or its load balancer) that serves reads and management requests. */
  QUIVER_READ_TIER_URL: url,
  /** Strimzi Kafka Bridge the edge produces through. */
  QUIVER_BRIDGE_URL: url,
  /** Authorization header for a gateway in front of the bridge (secret). */
  QUIVER_BRIDGE_AUTHORIZATION: text.optional(),
  /** Largest log record, bytes; bigger writes go to the object store (claim check). As the Node tier's kafka log. */
  QUIVER_LOG_MAX_RECORD_BYTES: int.min(1024).default(921_600),
  QUIVER_S3_ENDPOINT: url.optional(),
  QUIVER_S3_BUCKET: text,
  QUIVER_S3_REGION: text.default('us-east-1'),
  QUIVER_S3_ACCESS_KEY_ID: text,
  /** Secret: set with `wrangler secret put`, never in wrangler.toml. */
  QUIVER_S3_SECRET_ACCESS_KEY: text,
  QUIVER_S3_FORCE_PATH_STYLE: bool.default(false),
  QUIVER_S3_PREFIX: z.string().default(''),
  /** Longest the edge serves catalog entries (collections, users) from memory, ms. */
  QUIVER_EDGE_CATALOG_STALENESS_MS: int.min(0).max(60_000).default(1000),
  QUIVER_MAX_BODY_BYTES: int.optional(),
  QUIVER_REQUEST_TIMEOUT_MS: int.optional(),
  QUIVER_AUTH_ENABLED: bool.optional(),
  QUIVER_AUTH_PASSWORD_HASH_ITERATIONS: int.optional(),
  QUIVER_AUTH_CACHE_TTL_MS: int.optional(),
  QUIVER_RATE_LIMIT_ENABLED: bool.optional(),
  QUIVER_RATE_LIMIT_RPS: z.coerce.number().optional(),
  QUIVER_RATE_LIMIT_BURST: int.optional(),
  QUIVER_MAX_ROWS_PER_REQUEST: int.optional(),
  QUIVER_MAX_FILTER_LENGTH: int.optional(),
  QUIVER_MAX_JSON_DEPTH: int.optional(),
  QUIVER_MAX_STRING_LENGTH: int.optional(),
});

export type EdgeEnv = z.infer<typeof edgeEnvSchema>;

export interface EdgeConfig {
  env: EdgeEnv;
  /** The shared settings (server limits, auth, limits) with the Node tier's defaults filled in. */
  quiver: QuiverConfig;
}

/** The env's problems, one line per variable, as ConfigError text. */
export class EdgeConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EdgeConfigError';
  }
}

/** The variable behind each shared setting, so errors name what the operator sets. */
const VARIABLE_OF: Record<string, string> = {
  'server.maxBodyBytes': 'QUIVER_MAX_BODY_BYTES',
  'server.requestTimeoutMs': 'QUIVER_REQUEST_TIMEOUT_MS',
  'auth.passwordHashIterations': 'QUIVER_AUTH_PASSWORD_HASH_ITERATIONS',
  'auth.cacheTtlMs': 'QUIVER_AUTH_CACHE_TTL_MS',
  'limits.rateLimit.requestsPerSecond': 'QUIVER_RATE_LIMIT_RPS',
  'limits.rateLimit.burst': 'QUIVER_RATE_LIMIT_BURST',
  'limits.maxRowsPerRequest': 'QUIVER_MAX_ROWS_PER_REQUEST',
  'limits.maxFilterLength': 'QUIVER_MAX_FILTER_LENGTH',
  'limits.maxJsonDepth': 'QUIVER_MAX_JSON_DEPTH',
  'limits.maxStringLength': 'QUIVER_MAX_STRING_LENGTH',
};

function messageOf(error: z.ZodError): string {
  return error.issues
    .map((i) => {
      const path = i.path.join('.');
      return `${VARIABLE_OF[path] ?? (path || '(env)')}: ${i.message}`;
    })
    .join('; ');
}

/** Parses the Worker env; throws EdgeConfigError naming every bad variable. */
export function parseEdgeConfig(raw: Record<string, unknown>): EdgeConfig {
  const parsed = edgeEnvSchema.safeParse(raw);
  if (!parsed.success) throw new EdgeConfigError(`invalid edge configuration: ${messageOf(parsed.error)}`);
  const e = parsed.data;
  const quiver = configSchema.safeParse({
    server: { maxBodyBytes: e.QUIVER_MAX_BODY_BYTES, requestTimeoutMs: e.QUIVER_REQUEST_TIMEOUT_MS },
    auth: {
      enabled: e.QUIVER_AUTH_ENABLED,
      passwordHashIterations: e.QUIVER_AUTH_PASSWORD_HASH_ITERATIONS,
      cacheTtlMs: e.QUIVER_AUTH_CACHE_TTL_MS,
    },
    limits: {
      rateLimit: { enabled: e.QUIVER_RATE_LIMIT_ENABLED, requestsPerSecond: e.QUIVER_RATE_LIMIT_RPS, burst: e.QUIVER_RATE_LIMIT_BURST },
      maxRowsPerRequest: e.QUIVER_MAX_ROWS_PER_REQUEST,
      maxFilterLength: e.QUIVER_MAX_FILTER_LENGTH,
      maxJsonDepth: e.QUIVER_MAX_JSON_DEPTH,
      maxStringLength: e.QUIVER_MAX_STRING_LENGTH,
    },
  });
  if (!quiver.success) throw new EdgeConfigError(`invalid edge configuration: ${messageOf(quiver.error)}`);
  return { env: e, quiver: quiver.data };
}
