/**
 * The standalone shape: the whole database in one process — embedded log, local object store and
 * coordinator, one indexer and one proxy — running the same write, index and read paths as a
 * cluster.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { QuiverConfig } from './shared/config/schema.ts';
import type { Logger } from './shared/logger.ts';
import { PromMetrics } from './shared/observability/prom-metrics.ts';
import { advertisedAddress, ownedShardsFrom, registerProcess } from './shared/ops/process-registry.ts';
import { openPorts } from './shared/runtime/open-ports.ts';
import { startIndexer } from './indexer/main.ts';
import { startProxy, type RunningProxy } from './proxy/entry-node.ts';

export interface Standalone {
  proxy: RunningProxy;
  /** Stops serving, publishes what the indexer buffered, closes storage. Idempotent. */
  stop(): Promise<void>;
}

export async function startStandalone(config: QuiverConfig, logger: Logger): Promise<Standalone> {
  const ports = await openPorts(config, logger);
  // One registry and one /readyz for the whole process, served on the API port.
  const metrics = new PromMetrics();
  const indexer = await startIndexer(config, ports, logger, { metrics, registerProcess: false });
  const proxy = await startProxy(config, ports, logger, { metrics, readiness: [indexer.readiness], registerProcess: false });
  // One record in the process list for the whole process, not one per part.
  const registry = registerProcess({
    coordinator: ports.coordinator, role: 'standalone', host: hostname(), pid: process.pid, newId: randomUUID,
    now: () => Date.now(), address: advertisedAddress(config.server.host, proxy.port, hostname()), warn: (m, f) => logger.warn(m, f),
    ownedShards: () => ownedShardsFrom(indexer.indexer.status()),
  });
  let stopping: Promise<void> | null = null;
  return {
    proxy,
    stop: () =>
      (stopping ??= (async () => {
        await registry.stop();
        await proxy.stop();
        await indexer.stop(10_000);
        await ports.close();
      })()),
  };
}
