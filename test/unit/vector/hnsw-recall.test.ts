/**
 * Recall of the HNSW path against exact search on 20,000 random 128-d vectors. Uniform random
 * data has no cluster structure, which makes it a hard case for graph indexes: the ef needed
 * here is well above what embedding data needs for the same recall.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { MetricType, Quantization, VectorColumn } from '../../../src/shared/schema/types.ts';
import { FlatIndex } from '../../../src/shared/vector/flat.ts';
import { buildHnsw, HnswIndex } from '../../../src/shared/vector/hnsw.ts';
import { randomColumn, recall } from './helpers.ts';

const N = 20_000;
const DIM = 128;
const K = 10;
/** Beam width giving recall@10 ≥ 0.95 on this data with M = 16, efConstruction = 200. */
const EF = 512;

const data = randomColumn('f32', N, DIM, 1001);
const queries = randomColumn('f32', 120, DIM, 1002);
const shape = { kind: 'f32', dim: DIM } as const;
let dir = '';
const paths: Record<string, string> = {};

/**
 * Builds (once) with M = 16. The f32 index uses efConstruction = 200 (the defaults); the
 * quantized ones use 100 to keep the test short, which costs them no measurable recall here.
 */
function buildOnce(metric: MetricType, quantization: Quantization): string {
  const key = `${metric}-${quantization}`;
  if (!paths[key]) {
    paths[key] = join(dir, `${key}.usearch`);
    const efConstruction = quantization === 'f32' ? 200 : 100;
    buildHnsw(data, { metric, M: 16, efConstruction, quantization }, paths[key], { threads: 2 });
  }
  return paths[key];
}

function rowsOf(hits: { rows: Int32Array }[]): Int32Array[] {
  return hits.map((h) => h.rows);
}

before(() => { dir = mkdtempSync(join(tmpdir(), 'quiver-recall-')); });
after(() => rmSync(dir, { recursive: true, force: true }));

describe('HNSW recall@10 on 20k × 128-d random vectors', () => {
  const truthL2 = rowsOf(new FlatIndex(data, 'L2').search(queries, K));

  it('f32 storage: ≥ 0.95', (t) => {
    const index = HnswIndex.open(buildOnce('L2', 'f32'), data, 'L2');
    const byEf: string[] = [];
    for (const ef of [64, 128, 256, EF]) byEf.push(`ef=${ef}: ${recall(rowsOf(index.search(queries, K, { ef })), truthL2).toFixed(3)}`);
    t.diagnostic(`f32 L2 ${byEf.join(', ')}`);
    assert.ok(recall(rowsOf(index.search(queries, K, { ef: EF })), truthL2) >= 0.95);
  });

  it('f16 storage: ≥ 0.93 (rescored from raw vectors or not)', (t) => {
    const path = buildOnce('L2', 'f16');
    const rescored = recall(rowsOf(HnswIndex.open(path, data, 'L2').search(queries, K, { ef: EF })), truthL2);
    const fromIndex = recall(rowsOf(HnswIndex.open(path, shape, 'L2').search(queries, K, { ef: EF })), truthL2);
    t.diagnostic(`f16 L2 ef=${EF}: rescored ${rescored.toFixed(3)}, index distances ${fromIndex.toFixed(3)}`);
    assert.ok(rescored >= 0.93 && fromIndex >= 0.93);
  });

  it('i8 storage (COSINE): ≥ 0.93 rescored, ≥ 0.85 from index distances', (t) => {
    const truth = rowsOf(new FlatIndex(data, 'COSINE').search(queries, K));
    const path = buildOnce('COSINE', 'i8');
    const rescored = recall(rowsOf(HnswIndex.open(path, data, 'COSINE').search(queries, K, { ef: EF })), truth);
    const fromIndex = recall(rowsOf(HnswIndex.open(path, shape, 'COSINE').search(queries, K, { ef: EF })), truth);
    t.diagnostic(`i8 COSINE ef=${EF}: rescored ${rescored.toFixed(3)}, index distances ${fromIndex.toFixed(3)}`);
    assert.ok(rescored >= 0.93, `rescored ${rescored}`);
    assert.ok(fromIndex >= 0.85, `index distances ${fromIndex}`);
  });
});

describe('filtered HNSW search on 20k × 128-d', () => {
  const flat = new FlatIndex(data, 'L2');
  const cases: [string, (row: number) => boolean, number][] = [
    ['1%', (row) => (row * 2654435761) % 100 === 3, 0],
    ['50%', (row) => ((row * 2654435761) >>> 4) % 2 === 0, 0],
  ];
  for (const c of cases) c[2] = Array.from({ length: N }, (_, r) => r).filter(c[1]).length;

  for (const [label, accept, acceptCount] of cases) {
    it(`${label} accepted: k accepted rows, recall ≥ 0.95 vs exact filtered search`, (t) => {
      const truth = rowsOf(flat.search(queries, K, { accept }));
      // Without raw vectors a 1% filter walks the whole graph per query, so that variant runs
      // on a quarter of the queries to keep the test short.
      const few: VectorColumn = { kind: 'f32', dim: DIM, data: queries.data.subarray(0, 30 * DIM) as Float32Array };
      const variants: [string, VectorColumn | typeof shape, number | undefined, VectorColumn][] = [
        ['raw vectors, count given', data, acceptCount, queries],
        ['raw vectors, count sampled', data, undefined, queries],
        ['index only (over-fetch)', shape, undefined, few],
      ];
      const notes: string[] = [];
      for (const [name, vectors, count, qs] of variants) {
        const index = HnswIndex.open(buildOnce('L2', 'f32'), vectors, 'L2');
        const started = performance.now();
        const hits = index.search(qs, K, { ef: EF, accept, acceptCount: count });
        const ms = (performance.now() - started) / hits.length;
        for (const h of hits) {
          assert.equal(h.rows.length, K);
          assert.ok(Array.from(h.rows).every(accept));
        }
        const r = recall(rowsOf(hits), truth.slice(0, hits.length));
        notes.push(`${name}: recall ${r.toFixed(3)}, ${ms.toFixed(2)} ms/query`);
        assert.ok(r >= 0.95, `${label} ${name}: ${r}`);
      }
      t.diagnostic(`${label} (${acceptCount} rows) ${notes.join('; ')}`);
    });
  }
});
