/** Several quiver processes forming one cluster on the real services, for integration tests. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startQuiverProcess, type QuiverProcess } from './quiver-process.ts';

export interface Cluster {
  env: Record<string, string>;
  proxies: QuiverProcess[];
  indexers: Array<QuiverProcess | null>;
  /** Starts (or restarts) indexer i, with extra environment if given. */
  startIndexer(i: number, extraEnv?: Record<string, string>): Promise<QuiverProcess>;
  /** Starts (or restarts) proxy i, on the given port (default: any free one). */
  startProxy(i: number, port?: number): Promise<QuiverProcess>;
  close(): Promise<void>;
}

export async function startCluster(env: Record<string, string>, proxies: number, indexers: number): Promise<Cluster> {
  const dir = await mkdtemp(join(tmpdir(), 'quiver-cluster-'));
  const c: Cluster = {
    env,
    proxies: [],
    indexers: new Array(indexers).fill(null),
    startIndexer: async (i, extraEnv = {}) => {
      const p = await startQuiverProcess({ command: 'indexer', dataDir: join(dir, `indexer-${i}`), env: { ...env, ...extraEnv } });
      c.indexers[i] = p;
      return p;
    },
    startProxy: async (i, port) => {
      const args = port === undefined ? [] : ['--port', String(port)];
      const p = await startQuiverProcess({ command: 'proxy', dataDir: join(dir, `proxy-${i}`), env, args });
      c.proxies[i] = p;
      return p;
    },
    close: async () => {
      await Promise.all([...c.proxies, ...c.indexers].map((p) => p?.kill()));
      await rm(dir, { recursive: true, force: true });
    },
  };
  try {
    for (let i = 0; i < proxies; i++) await c.startProxy(i);
    for (let i = 0; i < indexers; i++) await c.startIndexer(i);
  } catch (err) {
    // Processes already started must not outlive a cluster that failed to come up.
    await c.close();
    throw err;
  }
  return c;
}

/**
 * The collections/create body the multi-process tests share: Int64 `id`, FloatVector `vector`
 * of `dim`, VarChar `payload` (64), HNSW/L2 and four shards, so rows spread over both indexers.
 */
export function payloadCollectionBody(collectionName: string, dim: number): Record<string, unknown> {
  return {
    collectionName,
    schema: {
      fields: [
        { fieldName: 'id', dataType: 'Int64', isPrimary: true },
        { fieldName: 'vector', dataType: 'FloatVector', elementTypeParams: { dim } },
        { fieldName: 'payload', dataType: 'VarChar', elementTypeParams: { max_length: 64 } },
      ],
    },
    indexParams: [{ fieldName: 'vector', metricType: 'L2', indexType: 'HNSW', params: { M: 16, efConstruction: 100 } }],
    params: { shardsNum: 4 },
  };
}
