/**
 * The cluster benchmark end to end on a small dataset (`cluster --quick`) on the real Kafka, S3
 * and Redis: it measures the raw producer, ingests through two proxies, measures
 * insert-to-searchable latency, searches after compaction and records the results. Checks that
 * the numbers are sane — not how fast anything is.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseCommandLine } from '../../bench/main.ts';
import { runSuite } from '../../bench/run-suite.ts';
import type { ClusterRow } from '../../bench/suites/cluster-report.ts';

describe('bench: cluster --quick', () => {
  let dir = '';
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('is selected by name on the command line', () => {
    const cli = parseCommandLine(['cluster', '--quick']);
    assert.equal(cli.suite, 'cluster');
    assert.equal(cli.options.quick, true);
  });

  it('measures every phase with sane results and records them', { timeout: 600_000 }, async () => {
    dir = await mkdtemp(join(tmpdir(), 'quiver-bench-cluster-test-'));
    const markdownPath = join(dir, 'BENCHMARKS.md');
    const jsonPath = join(dir, 'cluster.json');
    const lines: string[] = [];
    const result = await runSuite('cluster', { quick: true, markdownPath, jsonPath, log: (l) => lines.push(l) });
    const progress = () => lines.join('\n');

    assert.deepEqual(result.written, [markdownPath, jsonPath]);
    assert.equal(result.publishable, false);
    const rows = JSON.parse(await readFile(jsonPath, 'utf8')) as ClusterRow[];
    assert.deepEqual(rows, result.rows);
    const one = (system: string) => {
      const found = rows.filter((r) => r.system === system);
      assert.equal(found.length, 1, `one ${system} row\n${progress()}`);
      return found[0];
    };
    for (const r of rows) {
      for (const key of ['date', 'cores', 'node', 'quiver', 'load_avg'] as const) assert.ok(r.run[key] !== undefined && r.run[key] !== '', `${r.system}: run.${key}`);
    }

    const raw = one('kafka-producer-raw');
    const ingest = one('quiver-ingest');
    assert.ok((raw.rows_per_s ?? 0) > 0 && (raw.records_mb_per_s ?? 0) > 0, `raw producer throughput\n${progress()}`);
    assert.ok((ingest.rows_per_s ?? 0) > 0 && (ingest.records_mb_per_s ?? 0) > 0 && (ingest.json_mb_per_s ?? 0) > 0, 'ingest throughput');
    assert.ok(Number(ingest.params.ratio_to_raw) > 0, `ingest/raw ratio ${ingest.params.ratio_to_raw}`);
    assert.notEqual(ingest.params.searchable_after_ack_s, null, `ingested rows never became searchable\n${progress()}`);
    assert.equal(ingest.params.rows_counted_min, ingest.params.rows_inserted, `every inserted row is counted through both proxies\n${progress()}`);

    const latency = one('quiver-insert-to-searchable');
    assert.ok(Number(latency.params.markers) > 0, `latency markers ${latency.params.markers}\n${progress()}`);
    assert.equal(latency.params.missing, 0, `markers never visible\n${progress()}`);
    assert.ok((latency.p50_ms ?? 0) > 0 && (latency.p99_ms ?? 0) >= (latency.p50_ms ?? 0), `latency ${latency.p50_ms}/${latency.p99_ms}`);
    assert.ok((latency.rows_per_s ?? 0) > 0, 'paced writer rate');

    const search = rows.filter((r) => r.system === 'quiver-search');
    assert.deepEqual(search.map((r) => r.clients).sort((a, b) => a - b), [1, 8]);
    for (const r of search) {
      assert.equal(r.params.ef, 64);
      assert.ok((r.qps ?? 0) > 0 && (r.p50_ms ?? 0) > 0 && (r.p99_ms ?? 0) >= (r.p50_ms ?? 0), `search with ${r.clients} client(s)`);
      assert.ok((r.recall ?? 0) >= 0.9, `recall@10 at ef=64 with ${r.clients} client(s) is ${r.recall}\n${progress()}`);
    }

    const markdown = await readFile(markdownPath, 'utf8');
    assert.match(markdown, /<!-- bench:cluster:begin -->[\s\S]*<!-- bench:cluster:end -->/);
    assert.doesNotMatch(markdown, /bench:standalone:begin/);
  });
});
