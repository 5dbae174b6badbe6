/**
 * Worker-thread body of the Node index builder: builds one usearch HNSW file per message and
 * answers its bytes. Runs off the main thread so serving never stalls during a build.
 */
import { parentPort } from 'node:worker_threads';
import type { VectorColumn } from '../../shared/schema/types.ts';
import { buildHnswBytes } from '../../shared/vector/hnsw-build.ts';
import type { HnswBuildSpec } from './index-builder.ts';

export interface BuildRequest {
  id: number;
  column: VectorColumn;
  spec: HnswBuildSpec;
  tmpDir: string;
  threads: number;
}

export type BuildResponse = { id: number; ok: true; bytes: Uint8Array } | { id: number; ok: false; error: string };

parentPort?.on('message', (req: BuildRequest) => {
  try {
    const { data } = buildHnswBytes(req.column, { ...req.spec }, { threads: req.threads || undefined, tmpDir: req.tmpDir });
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    parentPort!.postMessage({ id: req.id, ok: true, bytes } satisfies BuildResponse);
  } catch (err) {
    parentPort!.postMessage({ id: req.id, ok: false, error: (err as Error).message } satisfies BuildResponse);
  }
});
