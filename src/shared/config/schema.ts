/**
 * The one configuration schema of every quiver process. Loaded once per entry file (load.ts) from
 * quiver.yaml and/or QUIVER_* environment variables; each port's backend is chosen explicitly by
 * a tagged union member (`kind`), so a bad or contradictory setting fails at start naming the key.
 */
import { z } from 'zod';

const logSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('embedded'),
    /** Directory of the embedded log; defaults to <dataDir>/log. */
    path: z.string().optional(),
    /** Largest record payload in bytes; bigger write batches are chunked or claim-checked. */
    maxRecordBytes: z.number().int().min(1024).default(8 * 1024 * 1024),
  }),
  z.object({
    kind: z.literal('kafka'),
    /** Bootstrap brokers, "host:port" separated by commas. */
    brokers: z.string().min(1),
    clientId: z.string().default('quiver'),
    /** Replication factor of topics quiver creates; -1 = the broker's default. */
    replicationFactor: z.number().int().min(-1).max(16).default(-1),
    /**
     * Largest record payload quiver produces, bytes; keep it below the broker's
     * message.max.bytes (1 MiB by default). Larger writes go to the object store (claim check).
     */
    maxRecordBytes: z.number().int().min(1024).default(900 * 1024),
    /** Producer batching delay, ms: trades a little latency for throughput. */
    lingerMs: z.number().int().min(0).max(1000).default(1),
    /** An indexer silent this long (ms) loses its shards to the others (within the broker's group.min/max.session.timeout.ms). */
    sessionTimeoutMs: z.number().int().min(1000).max(600_000).default(10_000),
    security: z
      .object({
        protocol: z.enum(['plaintext', 'ssl', 'sasl_plaintext', 'sasl_ssl']).default('plaintext'),
        saslMechanism: z.enum(['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512']).optional(),
        username: z.string().optional(),
        /** Secret: never logged. */
        password: z.string().optional(),
        /** PEM file of the CA that signed the brokers' certificates. */
        caFile: z.string().optional(),
      })
      .prefault({}),
  }),
]);

const objectStoreSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('fs'),
    /** Root directory; defaults to <dataDir>/objects. */
    path: z.string().optional(),
  }),
  z.object({
    kind: z.literal('s3'),
    /** Endpoint URL for S3-compatible stores (MinIO, R2); omit for AWS. */
    endpoint: z.string().url().optional(),
    bucket: z.string().min(1),
    region: z.string().default('us-east-1'),
    accessKeyId: z.string().optional(),
    /** Secret: never logged. */
    secretAccessKey: z.string().optional(),
    /** Path-style addressing, required by MinIO and most self-hosted stores. */
    forcePathStyle: z.boolean().default(false),
    /** Key prefix inside the bucket, so several deployments can share one. */
    prefix: z.string().default(''),
  }),
]);

const coordinatorSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('local'),
    /** Directory of the local coordinator's store; defaults to <dataDir>/coordinator. */
    path: z.string().optional(),
  }),
  z.object({
    kind: z.literal('redis'),
    /** redis://[user:password@]host:port[/db]; the password is never logged. */
    url: z.string().min(1),
    /** Prefix of every key quiver writes, so several deployments can share one Redis. */
    keyPrefix: z.string().default('quiver:'),
  }),
]);

const authSchema = z
  .object({
    /**
     * Require credentials on every request (Bearer user:password, Bearer API key, or HTTP Basic).
     * Off by default: a standalone server on a trusted host answers everyone.
     */
    enabled: z.boolean().default(false),
    /**
     * Password of the built-in user "root", used only to create that user when it does not exist
     * yet (required then while auth is enabled). Secret: never logged; change it later through
     * users/update_password.
     */
    rootPassword: z.string().min(6).max(256).optional(),
    /** PBKDF2-HMAC-SHA256 iterations for new password hashes (stored with each hash). */
    passwordHashIterations: z.number().int().min(10_000).max(10_000_000).default(600_000),
    /**
     * Longest time (ms) a proxy serves users, roles and keys from its cache when a change
     * notification from the coordinator was lost; changes normally apply at once.
     */
    cacheTtlMs: z.number().int().min(0).max(600_000).default(2_000),
  })
  .prefault({});

const limitsSchema = z
  .object({
    /**
     * Token bucket per user, API key (or, with auth off, for all clients together), kept in
     * each proxy's memory: the limit applies per proxy. Over the rate a request answers 1807.
     */
    rateLimit: z
      .object({
        enabled: z.boolean().default(false),
        /** Sustained requests per second. */
        requestsPerSecond: z.number().positive().max(1_000_000).default(100),
        /** Requests allowed at once after an idle period (bucket size). */
        burst: z.number().int().min(1).max(1_000_000).default(200),
      })
      .prefault({}),
    /** Most rows one insert or upsert request may carry; more answer 1100 and write nothing. */
    maxRowsPerRequest: z.number().int().min(1).max(10_000_000).default(10_000),
    /** Longest filter expression, characters; longer ones answer 1100. */
    maxFilterLength: z.number().int().min(64).max(64 * 1024 * 1024).default(1024 * 1024),
    /** Deepest nesting of arrays and objects in a request body; deeper ones answer 1100. */
    maxJsonDepth: z.number().int().min(4).max(1000).default(64),
    /**
     * Longest string (characters) in the body of a management request (names, descriptions,
     * properties, index parameters); entity data has its own per-field limits.
     */
    maxStringLength: z.number().int().min(256).max(64 * 1024 * 1024).default(65_536),
  })
  .prefault({});

export const configSchema = z.object({
  /** Data directory for every local file (log, objects, coordinator, segment cache). */
  dataDir: z.string().default('./data'),
  server: z
    .object({
      host: z.string().default('127.0.0.1'),
      port: z.number().int().min(0).max(65535).default(19530),
      /** Largest accepted request body in bytes (default 64 MiB); larger ones answer HTTP 413, code 1100. */
      maxBodyBytes: z.number().int().min(1024).default(64 * 1024 * 1024),
      /** Default request deadline in milliseconds when the client sends no Request-Timeout. */
      requestTimeoutMs: z.number().int().min(100).default(60_000),
      /**
       * HTTPS for the listener: PEM files read once at start. Both or neither; without them the
       * listener speaks plain HTTP (put a TLS-terminating balancer in front, or set these).
       */
      tls: z
        .object({
          certFile: z.string().min(1).optional(),
          keyFile: z.string().min(1).optional(),
        })
        .refine((t) => (t.certFile === undefined) === (t.keyFile === undefined), {
          message: 'set both certFile and keyFile, or neither',
        })
        .prefault({}),
    })
    .prefault({}),
  log: logSchema.default({ kind: 'embedded', maxRecordBytes: 8 * 1024 * 1024 }),
  objectStore: objectStoreSchema.default({ kind: 'fs' }),
  coordinator: coordinatorSchema.default({ kind: 'local' }),
  /** Prefix of every log topic quiver creates (one topic per collection). */
  topicPrefix: z.string().regex(/^[A-Za-z0-9._-]*$/).default('quiver.'),
  consistency: z
    .object({
      /** Staleness Bounded reads accept, in milliseconds. */
      boundedStalenessMs: z.number().int().min(0).default(3000),
    })
    .prefault({}),
  auth: authSchema,
  limits: limitsSchema,
  /** Process logs: JSON lines on stderr. */
  logging: z
    .object({
      level: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
      /** One info line per HTTP request (requests failing with HTTP 5xx are always logged). */
      requests: z.boolean().default(false),
    })
    .prefault({}),
  indexer: z
    .object({
      /** Longest time (ms) an acknowledged write waits in the indexer before a flat segment is published. */
      flushIntervalMs: z.number().int().min(10).max(60_000).default(200),
      /** A buffer this large (rows) is flushed at once without waiting for the interval. */
      maxBufferRows: z.number().int().min(1).default(50_000),
      /** Merge flat segments once this many exist in a shard. */
      l0MergeCount: z.number().int().min(2).default(8),
      /** A merged segment at least this large (rows) gets an HNSW index; smaller ones stay flat. */
      hnswMinRows: z.number().int().min(1).default(5_000),
      /** Merge indexed segments of similar size once this many exist in a tier. */
      tierMergeCount: z.number().int().min(2).default(4),
      /** Threads usearch may use to build an index. 0 = all cores. */
      buildThreads: z.number().int().min(0).default(0),
      /**
       * Port of the indexer's HTTP listener (/healthz, /readyz, /metrics), bound on server.host.
       * 0 = any free port (printed in the start banner). Not used by standalone, which serves
       * these on its API port.
       */
      httpPort: z.number().int().min(0).max(65535).default(9091),
      /**
       * Operator's acceptance of data lost to log retention: comma-separated
       * `<collectionId>/<shard>@<offset>` entries. A shard whose next needed offset was trimmed
       * from the log normally stops (never skips); listed here, it resumes at the log's earliest
       * offset instead, provided that offset is at most the one given. Remove the entry after use.
       */
      acceptRetentionGap: z
        .string()
        .regex(/^(\s*\d+\/\d+@\d+\s*)(,\s*\d+\/\d+@\d+\s*)*$|^\s*$/, 'expected "<collectionId>/<shard>@<offset>[,...]"')
        .default(''),
    })
    .prefault({}),
});

export type QuiverConfig = z.infer<typeof configSchema>;
export type IndexerConfig = QuiverConfig['indexer'];
export type AuthConfig = QuiverConfig['auth'];
export type LimitsConfig = QuiverConfig['limits'];
