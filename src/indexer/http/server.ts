/**
 * The indexer's small HTTP listener: `/healthz`, `/readyz` (backends reachable, no owned shard
 * stopped by a retention gap) and `/metrics`, on `server.host`:`indexer.httpPort` (0 = any free
 * port). Hono on @hono/node-server, with the same request-id and request metrics middleware as
 * the proxy.
 */
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { ConfigError } from '../../shared/config/load.ts';
import type { Logger } from '../../shared/logger.ts';
import { mountHealthRoutes } from '../../shared/observability/health-routes.ts';
import { observeRequests } from '../../shared/observability/http-middleware.ts';
import type { PromMetrics } from '../../shared/observability/prom-metrics.ts';
import type { ReadinessCheck } from '../../shared/observability/readiness.ts';
import type { listenerTls } from '../../shared/runtime/tls-listener.ts';

export interface IndexerHttpOptions {
  host: string;
  /** 0 = any free port. */
  port: number;
  metrics: PromMetrics;
  checks: ReadinessCheck[];
  logger: Logger;
  logRequests: boolean;
  /** HTTPS options from listenerTls (server.tls), or {} for plain HTTP. */
  tls: ReturnType<typeof listenerTls>;
}

export interface IndexerHttp {
  /** The port actually bound. */
  port: number;
  /** Stops listening. Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts listening. A port in use rejects with a ConfigError naming the setting (several
 * indexers on one host need one port each); other bind failures reject as they are.
 */
export async function startIndexerHttp(o: IndexerHttpOptions): Promise<IndexerHttp> {
  const app = new Hono();
  app.use('*', observeRequests({ logger: o.logger, metrics: o.metrics, logRequests: o.logRequests }));
  mountHealthRoutes(app, { checks: () => o.checks, metrics: o.metrics });
  app.notFound((c) => c.text('404 page not found', 404));
  const server: ServerType = await new Promise((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: o.host, port: o.port, ...o.tls }, () => resolve(s));
    s.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'EADDRINUSE'
          ? new ConfigError(
              `indexer.httpPort: ${o.host}:${o.port} is in use; give each indexer on a host its own port ` +
                '(QUIVER_INDEXER_HTTP_PORT), or 0 for any free one',
            )
          : err,
      ),
    );
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : o.port;
  let closed: Promise<void> | null = null;
  return {
    port,
    close: () => (closed ??= new Promise<void>((r) => server.close(() => r()))),
  };
}
