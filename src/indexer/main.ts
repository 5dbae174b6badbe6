/** Composition root of the indexer: wires the ports, the catalog and the worker-thread index builder. */
import { randomUUID } from 'node:crypto';
import { join, resolve } from 'node:path';
import { Catalog } from '../shared/catalog/catalog.ts';
import type { QuiverConfig } from '../shared/config/schema.ts';
import type { Logger } from '../shared/logger.ts';
import type { Ports } from '../shared/runtime/open-ports.ts';
import { WorkerIndexBuilder } from './build/worker-builder.ts';
import { Indexer } from './indexer.ts';

export interface RunningIndexer {
  indexer: Indexer;
  stop(deadlineMs?: number): Promise<void>;
}

export function startIndexer(config: QuiverConfig, ports: Ports, logger: Logger): RunningIndexer {
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
  });
  indexer.start();
  return {
    indexer,
    stop: async (deadlineMs) => {
      await indexer.stop(deadlineMs);
      await builder.close();
    },
  };
}
