import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { QuiverError } from '../../../src/shared/errors.ts';
import type { MetricType, VectorColumn } from '../../../src/shared/schema/types.ts';
import { FlatIndex } from '../../../src/shared/vector/flat.ts';
import { buildHnsw, buildHnswBytes, effectiveQuantization, HnswIndex, readIndexHeader } from '../../../src/shared/vector/hnsw.ts';
import { createUsearchIndex, usearchSearch } from '../../../src/shared/vector/usearch-adapter.ts';
import { randomColumn, recall } from './helpers.ts';

let dir = '';
before(() => { dir = mkdtempSync(join(tmpdir(), 'quiver-hnsw-test-')); });
after(() => rmSync(dir, { recursive: true, force: true }));

function build(col: VectorColumn, metric: MetricType, name: string, quantization?: 'f32' | 'f16' | 'i8' | 'b1'): string {
  const path = join(dir, name);
  buildHnsw(col, { metric, M: 16, efConstruction: 128, quantization }, path, { threads: 2 });
  return path;
}

/**
 * Fraction of HNSW hits scoring at least as well as flat's k-th hit: recall that counts ties
 * (frequent with bit vectors) as hits, with slack for index distances computed in f32.
 */
function scoreRecall(metric: MetricType, got: { scores: number[] }[], truth: { scores: number[] }[]): number {
  let ok = 0, total = 0;
  for (let q = 0; q < truth.length; q++) {
    const kth = truth[q].scores[truth[q].scores.length - 1];
    total += truth[q].scores.length;
    for (const s of got[q].scores) if (metric === 'HAMMING' || metric === 'JACCARD' || metric === 'L2' ? s <= kth + 1e-6 : s >= kth - 1e-6) ok++;
  }
  return ok / total;
}

describe('HNSW float index', () => {
  const col = randomColumn('f32', 3000, 32, 21);
  const queries = randomColumn('f32', 40, 32, 22);
  let path = '';
  before(() => { path = build(col, 'L2', 'f32-l2.usearch'); });

  it('records what it built in the file header', () => {
    assert.deepEqual(readIndexHeader(path), { version: readIndexHeader(path).version, metric: 'l2sq', quantization: 'f32', count: 3000, dimensions: 32 });
  });

  it('reopening the file in another instance gives identical results', () => {
    const a = HnswIndex.open(path, col, 'L2').search(queries, 10, { ef: 64 });
    const b = HnswIndex.open(path, col, 'L2').search(queries, 10, { ef: 64 });
    assert.deepEqual(a, b);
    assert.equal(HnswIndex.open(path, col, 'L2').quantization, 'f32');
  });

  it('per-query ef on one view equals a native view opened with expansion_search = ef', () => {
    const index = HnswIndex.open(path, { kind: 'f32', dim: 32 }, 'L2', { threads: 1 });
    for (const ef of [10, 24, 100]) {
      const native = createUsearchIndex({ dimensions: 32, metric: 'l2sq', quantization: 'f32', connectivity: 16, expansionAdd: 1, expansionSearch: ef });
      native.view(path);
      const got = index.search(queries, 10, { ef });
      for (let q = 0; q < 40; q++) {
        const m = usearchSearch(native, queries.data.subarray(q * 32, (q + 1) * 32) as Float32Array, 1, 10, 1);
        assert.deepEqual(Array.from(got[q].rows), Array.from(m.keys, Number), `ef ${ef} q ${q}`);
        got[q].scores.forEach((s, i) => assert.ok(Math.abs(s - m.distances[i]) < 1e-5));
      }
    }
  });

  it('raises ef to k, and a larger ef never lowers recall', () => {
    const index = HnswIndex.open(path, col, 'L2');
    const truth = new FlatIndex(col, 'L2').search(queries, 10).map((h) => h.rows);
    const low = index.search(queries, 10, { ef: 1 });
    assert.ok(low.every((h) => h.rows.length === 10));
    const r10 = recall(low.map((h) => h.rows), truth);
    const r200 = recall(index.search(queries, 10, { ef: 200 }).map((h) => h.rows), truth);
    assert.ok(r200 >= r10 && r200 >= 0.95, `ef=k ${r10}, ef=200 ${r200}`);
  });

  it('rescored hits carry the exact flat scores', () => {
    const flat = new FlatIndex(col, 'L2').search(queries, 5);
    const hnsw = HnswIndex.open(path, col, 'L2').search(queries, 5, { ef: 200 });
    for (let q = 0; q < 40; q++) {
      hnsw[q].rows.forEach((row, i) => {
        const j = Array.from(flat[q].rows).indexOf(row);
        if (j >= 0) assert.equal(hnsw[q].scores[i], flat[q].scores[j]);
      });
    }
  });

  it('range search matches flat range search', () => {
    const flat = new FlatIndex(col, 'L2');
    const q1 = { kind: 'f32', dim: 32, data: queries.data.slice(0, 32) } as VectorColumn;
    const ranked = flat.search(q1, 100)[0].scores;
    const range = { rangeFilter: (ranked[2] + ranked[3]) / 2, radius: (ranked[40] + ranked[41]) / 2 };
    for (const raw of [col, { kind: 'f32' as const, dim: 32 }]) {
      const index = HnswIndex.open(path, raw, 'L2');
      const got = index.search(q1, 20, { ef: 64, ...range })[0];
      const want = flat.search(q1, 20, range)[0];
      assert.ok(recall([got.rows], [want.rows]) >= 0.9);
      assert.ok(got.scores.every((s) => s >= range.rangeFilter && s < range.radius));
      // Fewer in range than k: all of them, and the walk stops at the radius.
      const all = index.search(q1, 500, { ef: 64, ...range })[0];
      assert.ok(recall([all.rows], [flat.search(q1, 500, range)[0].rows]) >= 0.9 && all.rows.length <= 38);
    }
  });

  it('filters: selective filters scan, wide ones over-fetch; both return k accepted rows', () => {
    const flat = new FlatIndex(col, 'L2');
    for (const [label, accept] of [['1%', (r: number) => r % 100 === 7], ['50%', (r: number) => r % 2 === 0]] as const) {
      const truth = flat.search(queries, 10, { accept }).map((h) => h.rows);
      for (const raw of [col, { kind: 'f32' as const, dim: 32 }]) {
        const got = HnswIndex.open(path, raw, 'L2').search(queries, 10, { ef: 64, accept });
        assert.ok(got.every((h) => h.rows.length === 10 && Array.from(h.rows).every(accept)), label);
        assert.ok(recall(got.map((h) => h.rows), truth) >= 0.9, label);
      }
    }
    const none = HnswIndex.open(path, col, 'L2').search(queries, 10, { accept: () => false, acceptCount: 0 });
    assert.ok(none.every((h) => h.rows.length === 0));
    const rare = HnswIndex.open(path, { kind: 'f32', dim: 32 }, 'L2').search(queries, 10, { accept: (r) => r === 5 });
    assert.ok(rare.every((h) => h.rows.length === 1 && h.rows[0] === 5));
  });

  it('refuses a file built for another metric or dimension, and searches after close', () => {
    assert.throws(() => HnswIndex.open(path, col, 'IP'), QuiverError);
    assert.throws(() => HnswIndex.open(path, { kind: 'f32', dim: 16 }, 'L2'), QuiverError);
    assert.throws(() => HnswIndex.open(path, randomColumn('f32', 10, 32, 1), 'L2'), QuiverError);
    assert.throws(() => HnswIndex.open(join(dir, 'missing.usearch'), col, 'L2'));
    writeFileSync(join(dir, 'junk.usearch'), 'not an index at all, definitely not');
    assert.throws(() => HnswIndex.open(join(dir, 'junk.usearch'), col, 'L2'));
    const index = HnswIndex.open(path, col, 'L2');
    index.close();
    assert.throws(() => index.search(queries, 1));
  });
});

describe('HNSW other kinds', () => {
  it('binary HAMMING and JACCARD agree with flat search', () => {
    const col = randomColumn('b1', 3000, 256, 31);
    const queries = randomColumn('b1', 30, 256, 32);
    for (const metric of ['HAMMING', 'JACCARD'] as const) {
      const path = build(col, metric, `b1-${metric}.usearch`);
      assert.equal(readIndexHeader(path).quantization, 'b1');
      const truth = new FlatIndex(col, metric).search(queries, 10);
      for (const raw of [col, { kind: 'b1' as const, dim: 256 }]) {
        const got = HnswIndex.open(path, raw, metric).search(queries, 10, { ef: 256 });
        assert.ok(scoreRecall(metric, got, truth) >= 0.95, metric);
      }
    }
  });

  it('int8 vectors: exact f16 storage for L2, i8 storage for COSINE', () => {
    const col = randomColumn('i8', 3000, 32, 41);
    const queries = randomColumn('i8', 30, 32, 42);
    for (const metric of ['L2', 'IP', 'COSINE'] as const) {
      const path = build(col, metric, `i8-${metric}.usearch`, 'i8');
      assert.equal(readIndexHeader(path).quantization, metric === 'COSINE' ? 'i8' : 'f16');
      const truth = new FlatIndex(col, metric).search(queries, 10);
      const got = HnswIndex.open(path, col, metric).search(queries, 10, { ef: 128 });
      assert.ok(scoreRecall(metric, got, truth) >= 0.95, metric);
      if (metric !== 'COSINE') {
        const unranked = HnswIndex.open(path, { kind: 'i8', dim: 32 }, metric).search(queries, 10, { ef: 128 });
        assert.ok(scoreRecall(metric, unranked, truth) >= 0.95, `${metric} from index distances`);
      }
    }
  });

  it('empty segments build and search', () => {
    const empty: VectorColumn = { kind: 'f32', dim: 8, data: new Float32Array(0) };
    const path = build(empty, 'COSINE', 'empty.usearch');
    const hits = HnswIndex.open(path, empty, 'COSINE').search(randomColumn('f32', 2, 8, 1), 10, { accept: () => true });
    assert.deepEqual(hits.map((h) => h.rows.length), [0, 0]);
  });

  it('buildHnswBytes and quantization rules', () => {
    const col = randomColumn('f32', 200, 8, 5);
    const out = buildHnswBytes(col, { metric: 'IP', M: 8, efConstruction: 32, quantization: 'f16' }, { threads: 1 });
    assert.equal(out.rows, 200);
    assert.equal(out.quantization, 'f16');
    assert.equal(out.data.length, out.bytes);
    assert.equal(effectiveQuantization('f32', 'L2', 'i8'), 'f16');
    assert.equal(effectiveQuantization('f32', 'COSINE', 'i8'), 'i8');
    assert.equal(effectiveQuantization('i8', 'IP'), 'f16');
    assert.equal(effectiveQuantization('b1', 'HAMMING', 'f32'), 'b1');
    assert.throws(() => effectiveQuantization('f32', 'L2', 'b1'), QuiverError);
    assert.throws(() => buildHnsw(col, { metric: 'HAMMING', M: 8, efConstruction: 32 }, join(dir, 'x')), QuiverError);
    assert.throws(() => buildHnsw(col, { metric: 'L2', M: 1, efConstruction: 32 }, join(dir, 'x')), QuiverError);
  });
});
