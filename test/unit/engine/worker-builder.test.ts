import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { WorkerIndexBuilder } from '../../../src/indexer/build/worker-builder.ts';
import type { VectorColumn } from '../../../src/shared/schema/types.ts';
import { HnswIndex } from '../../../src/shared/vector/hnsw-search.ts';

const dir = await mkdtemp(join(tmpdir(), 'quiver-worker-builder-'));
after(() => rm(dir, { recursive: true, force: true }));

function column(rows: number, dim: number, seed: number): VectorColumn {
  let s = seed;
  const data = new Float32Array(rows * dim);
  for (let i = 0; i < data.length; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    data[i] = s / 2147483648;
  }
  return { kind: 'f32', dim, data };
}

const spec = { metric: 'L2', quantization: 'f32', M: 8, efConstruction: 32 } as const;

describe('WorkerIndexBuilder', () => {
  it('builds queued indexes one after another, each searchable and finding its own rows', async () => {
    const builder = new WorkerIndexBuilder(join(dir, 'tmp'), 1);
    try {
      const a = column(400, 16, 1);
      const b = column(250, 16, 2);
      // Both requested at once: the second waits for the first in the builder's queue.
      const [ba, bb] = await Promise.all([builder.build(a, spec), builder.build(b, spec)]);
      for (const [name, col, bytes, rows] of [['a', a, ba, 400], ['b', b, bb, 250]] as const) {
        assert.ok(bytes.byteLength > 0, `index ${name} has bytes`);
        const path = join(dir, `${name}.usearch`);
        await writeFile(path, bytes);
        const index = HnswIndex.open(path, col, 'L2');
        assert.equal(index.size, rows);
        const row = 123;
        const query: VectorColumn = { kind: 'f32', dim: 16, data: (col.data as Float32Array).slice(row * 16, (row + 1) * 16) };
        const [hits] = await index.searchAsync(query, 1, {});
        assert.equal(hits.rows[0], row, `index ${name} finds row ${row} as its own nearest neighbour`);
        index.close();
      }
    } finally {
      await builder.close();
    }
  });

  it('keeps serving after a failed build', async () => {
    const builder = new WorkerIndexBuilder(join(dir, 'tmp2'), 1);
    try {
      const bad = { kind: 'f32', dim: 16, data: new Float32Array(15) } as VectorColumn;
      const failed = builder.build(bad, spec);
      const good = builder.build(column(50, 16, 3), spec);
      await assert.rejects(failed, /index build failed/);
      assert.ok((await good).byteLength > 0);
    } finally {
      await builder.close();
    }
  });
});
