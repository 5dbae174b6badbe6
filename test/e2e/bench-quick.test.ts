/**
 * The benchmark harness end to end on a small dataset (`standalone --quick`): it starts a real
 * server, loads and indexes the data, searches over HTTP and in-process, and records the results.
 * Checks that the numbers are sane — not how fast anything is.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseCommandLine } from '../../bench/main.ts';
import { UsageError, runSuite, type ResultRow } from '../../bench/run-suite.ts';

describe('bench: command line', () => {
  it('defaults to the standalone suite and reads the flags', () => {
    const cli = parseCommandLine(['--quick', '--rows', '2000', '--dim', '16', '--queries', '50']);
    assert.equal(cli.suite, 'standalone');
    assert.deepEqual(
      { quick: cli.options.quick, rows: cli.options.rows, dim: cli.options.dim, queries: cli.options.queries },
      { quick: true, rows: 2000, dim: 16, queries: 50 },
    );
  });

  it('rejects unknown suites, unknown flags and bad numbers as usage errors', () => {
    assert.throws(() => parseCommandLine(['nosuch']), UsageError);
    assert.throws(() => parseCommandLine(['--fast']), UsageError);
    assert.throws(() => parseCommandLine(['--rows', '-5']), UsageError);
    assert.throws(() => parseCommandLine(['--dim', '1.5']), UsageError);
  });

  it('refuses to run an unknown suite programmatically', async () => {
    await assert.rejects(runSuite('nosuch', { quick: true }), UsageError);
  });
});

describe('bench: standalone --quick', () => {
  let dir = '';
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('measures both systems with sane results and records them', { timeout: 600_000 }, async () => {
    dir = await mkdtemp(join(tmpdir(), 'quiver-bench-test-'));
    const markdownPath = join(dir, 'BENCHMARKS.md');
    const jsonPath = join(dir, 'standalone.json');
    const lines: string[] = [];
    const result = await runSuite('standalone', { quick: true, markdownPath, jsonPath, log: (l) => lines.push(l) });
    const progress = () => lines.join('\n');

    assert.deepEqual(result.written, [markdownPath, jsonPath]);
    const rows = JSON.parse(await readFile(jsonPath, 'utf8')) as ResultRow[];
    assert.deepEqual(rows, result.rows);
    const efs = [...new Set(rows.map((r) => Number(r.params.ef)))].sort((a, b) => a - b);
    assert.ok(efs.length >= 2, `expected an ef sweep, got ${efs.join(', ')}`);
    const largest = efs[efs.length - 1];

    for (const system of ['quiver-http', 'usearch-raw']) {
      const mine = rows.filter((r) => r.system === system);
      assert.deepEqual([...new Set(mine.map((r) => r.clients))].sort((a, b) => a - b), [1, 8], `${system} client counts`);
      assert.equal(mine.length, efs.length * 2, `${system}: one row per ef and client count`);
      for (const r of mine) {
        assert.ok(r.qps > 0, `${system} ef=${r.params.ef} clients=${r.clients}: qps ${r.qps}\n${progress()}`);
        assert.ok(r.p50_ms > 0 && r.p99_ms >= r.p50_ms, `${system}: latency percentiles ${r.p50_ms}/${r.p99_ms}`);
        assert.ok(r.recall >= 0 && r.recall <= 1, `${system}: recall ${r.recall}`);
        assert.equal(r.dataset, rows[0].dataset);
        for (const key of ['date', 'cores', 'memory_gb', 'node', 'quiver', 'usearch'] as const) {
          assert.ok(r.run[key] !== undefined && r.run[key] !== '', `${system}: run.${key} recorded`);
        }
      }
      for (const r of mine.filter((x) => x.params.ef === largest)) {
        assert.ok(r.recall >= 0.9, `${system} recall@10 at ef=${largest} with ${r.clients} client(s) is ${r.recall}\n${progress()}`);
      }
    }

    const quiver = rows.find((r) => r.system === 'quiver-http')!;
    assert.equal(quiver.params.rows, 5000);
    assert.notEqual(quiver.params.searchable_after_ack_s, null, `rows never became searchable\n${progress()}`);
    assert.notEqual(quiver.params.indexed_after_ack_s, null, `rows never became fully indexed\n${progress()}`);
    assert.ok((quiver.rss_mb ?? 0) > 0, 'server memory recorded');

    const markdown = await readFile(markdownPath, 'utf8');
    assert.match(markdown, /<!-- bench:standalone:begin -->[\s\S]*<!-- bench:standalone:end -->/);
    assert.match(markdown, /\| ef \| clients \|/);
  });
});
