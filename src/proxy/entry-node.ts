/**
 * Composition root of the proxy on Node: wires the ports into the proxy services (catalog,
 * write path, the usearch-backed replica) and serves the Hono app with @hono/node-server.
 * Collections marked loaded in the catalog are loaded at start, so any proxy answers any request.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { Catalog } from '../shared/catalog/catalog.ts';
import type { QuiverConfig } from '../shared/config/schema.ts';
import { FilterCache } from '../shared/filter/index.ts';
import type { Logger } from '../shared/logger.ts';
import { ManifestStore } from '../shared/manifest/manifest.ts';
import { mountHealthRoutes } from '../shared/observability/health-routes.ts';
import { observeRequests } from '../shared/observability/http-middleware.ts';
import { PromMetrics } from '../shared/observability/prom-metrics.ts';
import { backendChecks, type ReadinessCheck } from '../shared/observability/readiness.ts';
import { advertisedAddress, registerProcess } from '../shared/ops/process-registry.ts';
import type { Ports } from '../shared/runtime/open-ports.ts';
import { SegmentStore } from '../shared/segment/store.ts';
import { ConfigError } from '../shared/config/load.ts';
import { newApp } from './app.ts';
import { AccessControl, accessSettingsFrom } from './auth/access-control.ts';
import { MissingRootPasswordError, ensureRootUser } from './auth/bootstrap.ts';
import { pbkdf2Hasher } from './auth/password-hash.ts';
import { mountConsole } from './console/mount.ts';
import { nodeConsoleAssets } from './node/console-assets.ts';
import { mountStatusGet } from './routes/status/get-status.ts';
import { allRoutes } from './routes/index.ts';
import { nodeBodyReader } from './node/incoming-body.ts';
import { listenerScheme, listenerTls } from '../shared/runtime/tls-listener.ts';
import { Replica } from './replica/replica.ts';
import type { ProxyServices } from './services.ts';
import { IdAllocator } from './write/id-allocator.ts';
import { SessionTracker } from './write/session-tracker.ts';
import { WritePath } from './write/write-path.ts';

export interface RunningProxy {
  services: ProxyServices;
  /** The port actually bound (useful with port 0). */
  port: number;
  /** Base URL clients reach this listener at (https when server.tls is set). */
  url: string;
  /** Stops listening, then releases segments. Idempotent. */
  stop(): Promise<void>;
}

export interface ProxyStartOptions {
  /** The process's metrics (standalone shares one with its indexer); default a new registry. */
  metrics?: PromMetrics;
  /** More readiness checks for /readyz (standalone adds its indexer's). */
  readiness?: ReadinessCheck[];
  /** Keep a "proxy" record in the process list; default true (standalone registers itself once). */
  registerProcess?: boolean;
}

export async function startProxy(config: QuiverConfig, ports: Ports, logger: Logger, options: ProxyStartOptions = {}): Promise<RunningProxy> {
  const now = () => Date.now();
  const metrics = options.metrics ?? new PromMetrics();
  const catalog = new Catalog(ports.coordinator);
  const manifests = new ManifestStore(ports.coordinator);
  const reader = new Replica({
    coordinator: ports.coordinator,
    manifests,
    segments: new SegmentStore(ports.objects),
    cacheDir: join(resolve(config.dataDir), 'cache', `proxy-${process.pid}`),
    logger,
    now,
    metrics,
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
  const app = newApp(services, allRoutes, {
    readBody: nodeBodyReader,
    middleware: [observeRequests({ logger, metrics, logRequests: config.logging.requests })],
  });
  const checks: ReadinessCheck[] = [
    ...backendChecks(ports),
    { name: 'segments', run: async () => reader.notReady() },
    ...(options.readiness ?? []),
  ];
  mountHealthRoutes(app, { checks: () => checks, metrics });
  mountStatusGet(app, services);
  mountConsole(app, nodeConsoleAssets());
  const server: ServerType = await new Promise((ready) => {
    const s = serve(
      { fetch: app.fetch, hostname: config.server.host, port: config.server.port, ...listenerTls(config.server.tls) },
      () => ready(s),
    );
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.server.port;
  const url = `${listenerScheme(config.server.tls)}://${config.server.host}:${port}`;
  logger.info('proxy listening', { url });
  const registry = options.registerProcess === false ? null : registerProcess({
    coordinator: ports.coordinator, role: 'proxy', host: hostname(), pid: process.pid, newId: randomUUID, now,
    address: advertisedAddress(config.server.host, port, hostname()), warn: (m, f) => logger.warn(m, f),
  });
  let stopped = false;
  return {
    services,
    port,
    url,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await registry?.stop();
      await new Promise<void>((r) => server.close(() => r()));
      auth.close();
      await reader.close();
    },
  };
}
