/**
 * Composition root of the proxy on Node: wires the ports into the proxy services (catalog,
 * write path, the usearch-backed replica) and serves the Hono app with @hono/node-server.
 * Collections marked loaded in the catalog are loaded at start, so any proxy answers any request.
 */
import { randomUUID } from 'node:crypto';
import { join, resolve } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { Catalog } from '../shared/catalog/catalog.ts';
import type { QuiverConfig } from '../shared/config/schema.ts';
import { FilterCache } from '../shared/filter/index.ts';
import type { Logger } from '../shared/logger.ts';
import { ManifestStore } from '../shared/manifest/manifest.ts';
import type { Ports } from '../shared/runtime/open-ports.ts';
import { SegmentStore } from '../shared/segment/store.ts';
import { ConfigError } from '../shared/config/load.ts';
import { newApp } from './app.ts';
import { AccessControl, accessSettingsFrom } from './auth/access-control.ts';
import { MissingRootPasswordError, ensureRootUser } from './auth/bootstrap.ts';
import { pbkdf2Hasher } from './auth/password-hash.ts';
import { allRoutes } from './routes/index.ts';
import { nodeBodyReader } from './node/incoming-body.ts';
import { Replica } from './replica/replica.ts';
import type { ProxyServices } from './services.ts';
import { IdAllocator } from './write/id-allocator.ts';
import { SessionTracker } from './write/session-tracker.ts';
import { WritePath } from './write/write-path.ts';

export interface RunningProxy {
  services: ProxyServices;
  /** The port actually bound (useful with port 0). */
  port: number;
  /** Stops listening, then releases segments. Idempotent. */
  stop(): Promise<void>;
}

export async function startProxy(config: QuiverConfig, ports: Ports, logger: Logger): Promise<RunningProxy> {
  const now = () => Date.now();
  const catalog = new Catalog(ports.coordinator);
  const manifests = new ManifestStore(ports.coordinator);
  const reader = new Replica({
    coordinator: ports.coordinator,
    manifests,
    segments: new SegmentStore(ports.objects),
    cacheDir: join(resolve(config.dataDir), 'cache', `proxy-${process.pid}`),
    logger,
    now,
  });
  const auth = new AccessControl({
    coordinator: ports.coordinator,
    hasher: pbkdf2Hasher(config.auth.passwordHashIterations),
    settings: accessSettingsFrom(config),
    now,
  });
  const services: ProxyServices = {
    catalog,
    coordinator: ports.coordinator,
    manifests,
    log: ports.log,
    objects: ports.objects,
    writer: new WritePath({ log: ports.log, objects: ports.objects, newId: randomUUID }),
    reader,
    ids: new IdAllocator(ports.coordinator),
    sessions: new SessionTracker(),
    filters: new FilterCache({ maxFilterLength: config.limits.maxFilterLength }),
    settings: {
      maxBodyBytes: config.server.maxBodyBytes,
      requestTimeoutMs: config.server.requestTimeoutMs,
      boundedStalenessMs: config.consistency.boundedStalenessMs,
      topicPrefix: config.topicPrefix,
    },
    auth,
    now,
  };
  await catalog.ensureDefaultDatabase(now());
  try {
    if (await ensureRootUser(auth, config.auth.rootPassword, now())) logger.info('created the root user');
  } catch (err) {
    if (err instanceof MissingRootPasswordError) throw new ConfigError(err.message);
    throw err;
  }
  auth.start();
  for (const c of await catalog.listCollections()) {
    if (c.loaded) await reader.load(c);
  }
  const app = newApp(services, allRoutes, { readBody: nodeBodyReader });
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  const server: ServerType = await new Promise((ready) => {
    const s = serve({ fetch: app.fetch, hostname: config.server.host, port: config.server.port }, () => ready(s));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.server.port;
  logger.info('proxy listening', { host: config.server.host, port });
  let stopped = false;
  return {
    services,
    port,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await new Promise<void>((r) => server.close(() => r()));
      auth.close();
      await reader.close();
    },
  };
}
