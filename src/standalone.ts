/**
 * The standalone shape: the whole database in one process — embedded log, local object store and
 * coordinator, one indexer and one proxy — running the same write, index and read paths as a
 * cluster.
 */
import type { QuiverConfig } from './shared/config/schema.ts';
import type { Logger } from './shared/logger.ts';
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
  const indexer = startIndexer(config, ports, logger);
  const proxy = await startProxy(config, ports, logger);
  let stopping: Promise<void> | null = null;
  return {
    proxy,
    stop: () =>
      (stopping ??= (async () => {
        await proxy.stop();
        await indexer.stop(10_000);
        await ports.close();
      })()),
  };
}
