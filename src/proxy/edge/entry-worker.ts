/**
 * Composition root of the edge proxy on Cloudflare Workers (wrangler.toml: main). Builds, once
 * per isolate and on the first request, the ports that work without Node — the Log over the
 * Strimzi Kafka Bridge, the object store over fetch + SigV4, a read-only coordinator over the
 * object-store backups — and the same Hono app as the Node proxy, with reads and management
 * forwarded to the Node tier (edge-app.ts). The Worker env is parsed once with zod; a bad
 * configuration answers every request with HTTP 500 naming the variables.
 */
import type { Hono } from 'hono';
import { openBackupCoordinator } from '../../shared/adapters/object-store-coordinator/index.ts';
import { openBridgeLog } from '../../shared/adapters/kafka-bridge/index.ts';
import { openFetchS3ObjectStore } from '../../shared/adapters/s3-fetch/index.ts';
import { Catalog } from '../../shared/catalog/catalog.ts';
import { ErrorCode } from '../../shared/errors.ts';
import { FilterCache } from '../../shared/filter/index.ts';
import { ManifestStore } from '../../shared/manifest/manifest.ts';
import { AccessControl, accessSettingsFrom } from '../auth/access-control.ts';
import { pbkdf2Hasher } from '../auth/password-hash.ts';
import type { ProxyServices } from '../services.ts';
import { IdAllocator } from '../write/id-allocator.ts';
import { SessionTracker } from '../write/session-tracker.ts';
import { WritePath } from '../write/write-path.ts';
import { parseEdgeConfig, type EdgeConfig } from './edge-config.ts';
import { newEdgeApp } from './edge-app.ts';
import { ForwardedReadTier } from './forwarded-read-tier.ts';

/** Wires the edge services from a parsed configuration. `fetchFn` is the runtime's fetch. */
export function composeEdge(config: EdgeConfig, fetchFn: typeof fetch, now: () => number = Date.now): Hono {
  const { env, quiver } = config;
  const objects = openFetchS3ObjectStore({
    endpoint: env.QUIVER_S3_ENDPOINT,
    bucket: env.QUIVER_S3_BUCKET,
    region: env.QUIVER_S3_REGION,
    accessKeyId: env.QUIVER_S3_ACCESS_KEY_ID,
    secretAccessKey: env.QUIVER_S3_SECRET_ACCESS_KEY,
    forcePathStyle: env.QUIVER_S3_FORCE_PATH_STYLE,
    prefix: env.QUIVER_S3_PREFIX,
    fetch: fetchFn,
    now,
  });
  const coordinator = openBackupCoordinator({ objects, maxStalenessMs: env.QUIVER_EDGE_CATALOG_STALENESS_MS, now });
  const log = openBridgeLog({
    url: env.QUIVER_BRIDGE_URL,
    authorization: env.QUIVER_BRIDGE_AUTHORIZATION,
    maxRecordBytes: env.QUIVER_LOG_MAX_RECORD_BYTES,
    fetch: fetchFn,
  });
  const auth = new AccessControl({
    coordinator,
    hasher: pbkdf2Hasher(quiver.auth.passwordHashIterations),
    settings: accessSettingsFrom(quiver),
    now,
  });
  const services: ProxyServices = {
    catalog: new Catalog(coordinator),
    coordinator,
    manifests: new ManifestStore(coordinator),
    log,
    objects,
    writer: new WritePath({ log, objects, newId: () => crypto.randomUUID() }),
    reader: new ForwardedReadTier(),
    ids: new IdAllocator(coordinator),
    sessions: new SessionTracker(),
    filters: new FilterCache({ maxFilterLength: quiver.limits.maxFilterLength }),
    settings: {
      maxBodyBytes: quiver.server.maxBodyBytes,
      requestTimeoutMs: quiver.server.requestTimeoutMs,
      boundedStalenessMs: quiver.consistency.boundedStalenessMs,
      topicPrefix: quiver.topicPrefix,
    },
    auth,
    now,
  };
  // Users and roles are dropped from the auth cache when a newer catalog snapshot changes them.
  auth.start();
  return newEdgeApp(services, { forward: { target: env.QUIVER_READ_TIER_URL, fetch: fetchFn } });
}

/**
 * The Worker: an object with a fetch handler (Workers' module syntax). The app is built on the
 * first request of an isolate and kept by this object, so nothing is parsed at import time.
 */
export class EdgeWorker {
  private app: Hono | null = null;
  private failure: string | null = null;

  async fetch(request: Request, env: Record<string, unknown>): Promise<Response> {
    if (this.app === null && this.failure === null) {
      try {
        this.app = composeEdge(parseEdgeConfig(env), (input, init) => fetch(input, init));
      } catch (err) {
        this.failure = err instanceof Error ? err.message : String(err);
      }
    }
    if (this.app === null) {
      return Response.json({ code: ErrorCode.Unexpected, message: this.failure }, { status: 500 });
    }
    return this.app.fetch(request);
  }
}

export default new EdgeWorker();
