import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { VectorColumn } from '../../../src/shared/schema/types.ts';
import { buildHnsw, HnswIndex } from '../../../src/shared/vector/hnsw.ts';
import { SearchBatcher } from '../../../src/shared/vector/search-batcher.ts';
import { createUsearchIndex, usearchSearch } from '../../../src/shared/vector/usearch-adapter.ts';
import { randomColumn } from './helpers.ts';

let dir = '';
before(() => { dir = mkdtempSync(join(tmpdir(), 'quiver-batcher-test-')); });
after(() => rmSync(dir, { recursive: true, force: true }));

function one(col: VectorColumn, q: number): VectorColumn {
  return { kind: 'f32', dim: col.dim, data: (col.data as Float32Array).slice(q * col.dim, (q + 1) * col.dim) };
}

describe('concurrent single-query searches', () => {
  const col = randomColumn('f32', 2000, 16, 31);
  const queries = randomColumn('f32', 24, 16, 32);
  let path = '';
  before(() => {
    path = join(dir, 'f32.usearch');
    buildHnsw(col, { metric: 'L2', M: 16, efConstruction: 64 }, path, { threads: 2 });
  });

  it('answer exactly what one-by-one searches answer, filtered or not', async () => {
    const index = HnswIndex.open(path, col, 'L2');
    const even = (r: number) => r % 2 === 0;
    for (const opts of [{ ef: 32 }, { ef: 16 }, { ef: 64, accept: even }]) {
      const expected = Array.from({ length: 24 }, (_, q) => index.search(one(queries, q), 10, opts)[0]);
      // Mixed ef values land in different batches of the same turn.
      const got = await Promise.all(Array.from({ length: 24 }, (_, q) => index.searchAsync(one(queries, q), 10, q % 3 === 0 ? { ...opts } : opts)));
      assert.deepEqual(got.map((g) => g[0]), expected);
      if (opts.accept) for (const h of got) assert.ok(h[0].rows.every(even));
    }
  });

  it('run queries queued in one event-loop turn as a single native call', async () => {
    const view = createUsearchIndex({ dimensions: 16, metric: 'l2sq', quantization: 'f32', connectivity: 16, expansionAdd: 1, expansionSearch: 1 });
    view.view(path);
    let calls = 0;
    const counted = new Proxy(view, {
      get(target, prop, receiver) {
        if (prop === 'search') {
          return (...args: unknown[]) => {
            calls++;
            return (target.search as (...a: unknown[]) => unknown).apply(target, args);
          };
        }
        return Reflect.get(target, prop, receiver);
      },
    });
    const batcher = new SearchBatcher(() => counted, 16, 2);
    const inputs = Array.from({ length: 8 }, (_, q) => (queries.data as Float32Array).subarray(q * 16, (q + 1) * 16));
    const results = await Promise.all(inputs.map((input) => batcher.search(input, 20)));
    assert.equal(calls, 1);
    results.forEach((r, q) => {
      const alone = usearchSearch(view, inputs[q], 1, 20, 1);
      const from = r.row * r.matches.wanted;
      assert.deepEqual(Array.from(r.matches.keys.subarray(from, from + r.matches.counts[r.row])), Array.from(alone.keys));
    });
    // A later turn is a new batch.
    await batcher.search(inputs[0], 20);
    assert.equal(calls, 2);
  });

  it('reject every waiter of a batch when the index was closed meanwhile', async () => {
    const index = HnswIndex.open(path, col, 'L2');
    const pending = [index.searchAsync(one(queries, 0), 5), index.searchAsync(one(queries, 1), 5)];
    index.close();
    for (const p of pending) await assert.rejects(p, /closed/);
  });
});
