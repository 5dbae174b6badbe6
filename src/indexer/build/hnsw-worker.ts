/**
 * Worker-thread body of the Node index builder: builds one usearch HNSW file per message and
 * answers its bytes. Runs off the main thread so serving never stalls during a build.
 */
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import type { VectorColumn } from '../../shared/schema/types.ts';
import { buildHnswBytes } from '../../shared/vector/hnsw-build.ts';
import { exposedGc } from '../../shared/runtime/memory-reclaimer.ts';
import type { HnswBuildSpec } from './index-builder.ts';

export interface BuildRequest {
  id: number;
  column: VectorColumn;
  spec: HnswBuildSpec;
  tmpDir: string;
  threads: number;
}

export type BuildResponse = { id: number; ok: true; bytes: Uint8Array } | { id: number; ok: false; error: string };

/**
 * Nice value of this thread, which the build threads usearch starts inherit (Linux): builds are
 * background work and yield the CPU to consumption, flushes and anything else on the machine,
 * while still using every idle core.
 */
const BUILD_NICE = 10;

function lowerPriority(): void {
  try {
    // "<pid>/task/<tid>": the id of this thread, which setpriority accepts on Linux.
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isSafeInteger(tid) && tid > 0) setPriority(tid, BUILD_NICE);
  } catch {
    // Not Linux (no /proc/thread-self), or not permitted: builds run at normal priority.
  }
}

lowerPriority();

const collect = exposedGc();

parentPort?.on('message', (req: BuildRequest) => {
  try {
    const { data } = buildHnswBytes(req.column, { ...req.spec }, { threads: req.threads || undefined, tmpDir: req.tmpDir });
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    // Hand the file over instead of copying it when the bytes own their whole buffer.
    const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
    parentPort!.postMessage({ id: req.id, ok: true, bytes } satisfies BuildResponse, whole ? [bytes.buffer as ArrayBuffer] : []);
  } catch (err) {
    parentPort!.postMessage({ id: req.id, ok: false, error: (err as Error).message } satisfies BuildResponse);
  }
  // This thread allocates nothing between builds, so V8 would otherwise keep the request's
  // vectors (a copy of the whole column) resident until the next build.
  collect?.();
});
