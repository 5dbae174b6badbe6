/**
 * Composition root of the indexer: wires the ports, the catalog and the worker-thread index
 * builder, and (in the cluster shape) the HTTP listener for health, readiness and metrics.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { Catalog } from '../shared/catalog/catalog.ts';
import type { QuiverConfig } from '../shared/config/schema.ts';
import type { Logger } from '../shared/logger.ts';
import { PromMetrics } from '../shared/observability/prom-metrics.ts';
import { backendChecks, type ReadinessCheck } from '../shared/observability/readiness.ts';
import { ownedShardsFrom, registerProcess } from '../shared/ops/process-registry.ts';
import type { Ports } from '../shared/runtime/open-ports.ts';
import { WorkerIndexBuilder } from './build/worker-builder.ts';
import { startIndexerHttp, type IndexerHttp } from './http/server.ts';
import { listenerTls } from '../shared/runtime/tls-listener.ts';
import { Indexer } from './indexer.ts';

export interface RunningIndexer {
  indexer: Indexer;
  /** The shards check of readiness (retention gaps), for a process that serves /readyz itself. */
  readiness: ReadinessCheck;
  /** Port of the HTTP listener, or null when started without one. */
  httpPort: number | null;
  stop(deadlineMs?: number): Promise<void>;
}

export interface IndexerStartOptions {
  /** The process's metrics; default a new registry of its own. */
  metrics?: PromMetrics;
  /** Serve /healthz, /readyz, /metrics on indexer.httpPort (the cluster shape); default false. */
  http?: boolean;
  /** Keep an "indexer" record in the process list; default true (standalone registers itself once). */
  registerProcess?: boolean;
}

export async function startIndexer(config: QuiverConfig, ports: Ports, logger: Logger, options: IndexerStartOptions = {}): Promise<RunningIndexer> {
  const metrics = options.metrics ?? new PromMetrics();
  const builder = new WorkerIndexBuilder(join(resolve(config.dataDir), 'tmp'), config.indexer.buildThreads);
  const indexer = new Indexer({
    log: ports.log,
    objects: ports.objects,
    coordinator: ports.coordinator,
    catalog: new Catalog(ports.coordinator),
    builder,
    config: config.indexer,
    topicPrefix: config.topicPrefix,
    logger,
    now: () => Date.now(),
    newId: randomUUID,
    metrics,
  });
  metrics.addIndexerSource(() => indexer.sampleShards());
  const readiness: ReadinessCheck = { name: 'shards', run: async () => indexer.notReady() };
  indexer.start();
  const registry = options.registerProcess === false ? null : registerProcess({
    coordinator: ports.coordinator, role: 'indexer', host: hostname(), pid: process.pid, address: '',
    newId: randomUUID, now: () => Date.now(), warn: (m, f) => logger.warn(m, f),
    ownedShards: () => ownedShardsFrom(indexer.status()),
  });
  let http: IndexerHttp | null = null;
  if (options.http) {
    try {
      http = await startIndexerHttp({
        host: config.server.host, port: config.indexer.httpPort, metrics, logger,
        checks: [...backendChecks(ports), readiness], logRequests: config.logging.requests,
        tls: listenerTls(config.server.tls),
      });
    } catch (err) {
      await registry?.stop();
      await indexer.stop(0);
      await builder.close();
      throw err;
    }
    logger.info('indexer http listening', { host: config.server.host, port: http.port });
  }
  return {
    indexer,
    readiness,
    httpPort: http?.port ?? null,
    stop: async (deadlineMs) => {
      await registry?.stop();
      await http?.close();
      await indexer.stop(deadlineMs);
      await builder.close();
    },
  };
}
