/**
 * IndexBuilder on a worker thread (started lazily, one per indexer). Builds are queued one at a
 * time: usearch already uses every core for one build, so parallel builds would only compete.
 */
import { mkdir } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import type { VectorColumn } from '../../shared/schema/types.ts';
import type { HnswBuildSpec, IndexBuilder } from './index-builder.ts';
import type { BuildResponse } from './hnsw-worker.ts';

export class WorkerIndexBuilder implements IndexBuilder {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(b: Uint8Array): void; reject(e: Error): void }>();
  private queue: Promise<unknown> = Promise.resolve();

  /** tmpDir: scratch space for index files; threads: usearch build threads (0 = all cores). */
  constructor(
    private readonly tmpDir: string,
    private readonly threads: number,
  ) {}

  build(col: VectorColumn, spec: HnswBuildSpec): Promise<Uint8Array> {
    const run = this.queue.then(() => this.buildNow(col, spec));
    // The chain must not hold the last result: an index file is as large as its vectors.
    this.queue = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    for (const p of this.pending.values()) p.reject(new Error('index builder closed'));
    this.pending.clear();
    await w?.terminate();
  }

  private async buildNow(column: VectorColumn, spec: HnswBuildSpec): Promise<Uint8Array> {
    await mkdir(this.tmpDir, { recursive: true });
    const worker = this.ensureWorker();
    const id = this.nextId++;
    return new Promise<Uint8Array>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, column, spec, tmpDir: this.tmpDir, threads: this.threads });
    });
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    // A JavaScript entry file: worker threads may lack the TypeScript loader (see that file).
    const w = new Worker(new URL('./hnsw-worker-entry.js', import.meta.url));
    w.unref();
    w.on('message', (msg: BuildResponse) => {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.ok) p.resolve(msg.bytes);
      else p.reject(new Error(`index build failed: ${msg.error}`));
    });
    w.on('error', (err) => {
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
      this.worker = null;
    });
    this.worker = w;
    return w;
  }
}
