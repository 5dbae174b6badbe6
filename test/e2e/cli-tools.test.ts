/**
 * `quiver export` (round trip through import, multi-shard, filters, field choice), `quiver
 * status`, and the help and usage errors of every command.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../helpers/cli-run.ts';
import { milvus, startStandaloneProcess, type StandaloneProcess } from '../helpers/standalone-process.ts';

const ROWS = 4000;

function row(i: number) {
  // Keys scattered over a wide range, so shards and segments hold them in no useful order.
  return { id: (i * 2_654_435_761) % 1_000_000_007, vector: [i % 17, i % 5, 0.5, i / 4], group: i % 10, name: `n${i}` };
}

const lines = (text: string) => text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l));

describe('quiver export and status', () => {
  let dir = '';
  let server: StandaloneProcess;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'quiver-cli-tools-'));
    server = await startStandaloneProcess(join(dir, 'data'));
  });
  after(async () => {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('exports every row once, in key order, and the export imports into an identical collection', async () => {
    for (const name of ['cli_export_a', 'cli_export_b']) {
      const created = await milvus(server.url, 'collections/create', { collectionName: name, dimension: 4, params: { shardsNum: 3 } });
      assert.equal(created.code, 0, JSON.stringify(created));
    }
    const source = join(dir, 'source.jsonl');
    await writeFile(source, Array.from({ length: ROWS }, (_, i) => JSON.stringify(row(i))).join('\n'));
    const imported = await runCli(['import', source, '--collection', 'cli_export_a', '--url', server.url, '--batch', '500']);
    assert.equal(imported.code, 0, imported.stderr);

    const out = join(dir, 'a.jsonl');
    const exported = await runCli(['export', '--collection', 'cli_export_a', '--url', server.url, '--out', out, '--page', '300']);
    assert.equal(exported.code, 0, exported.stderr);
    assert.match(exported.stderr, new RegExp(`export: ${ROWS} rows to `));
    const rows = lines(await readFile(out, 'utf8'));
    assert.equal(rows.length, ROWS);
    const ids = rows.map((r) => r.id);
    assert.deepEqual(ids, [...ids].sort((a, b) => a - b), 'sorted by primary key');
    assert.equal(new Set(ids).size, ROWS, 'no row twice');
    const expected = new Map(Array.from({ length: ROWS }, (_, i) => [row(i).id, row(i)]));
    for (const r of rows) assert.deepEqual(r, expected.get(r.id));

    const again = await runCli(['import', out, '--collection', 'cli_export_b', '--url', server.url]);
    assert.equal(again.code, 0, again.stderr);
    const outB = join(dir, 'b.jsonl');
    assert.equal((await runCli(['export', '--collection', 'cli_export_b', '--url', server.url, '--out', outB])).code, 0);
    assert.equal(await readFile(outB, 'utf8'), await readFile(out, 'utf8'));
  });

  it('exports the rows of a filter with chosen fields to stdout', async () => {
    const r = await runCli(['export', '--collection', 'cli_export_a', '--url', server.url, '--filter', 'group == 3', '--output-fields', 'name', '--page', '50']);
    assert.equal(r.code, 0, r.stderr);
    const rows = lines(r.stdout);
    assert.equal(rows.length, ROWS / 10);
    for (const x of rows) {
      assert.deepEqual(Object.keys(x).sort(), ['id', 'name']);
      assert.equal(Number(x.name.slice(1)) % 10, 3);
    }
  });

  it('prints collections, shards and processes, as tables and as JSON', async () => {
    const json = await runCli(['status', '--url', server.url, '--json']);
    assert.equal(json.code, 0, json.stderr);
    const doc = JSON.parse(json.stdout);
    const collections = (doc.databases ?? []).flatMap((d: any) => d.collections);
    const a = collections.find((c: any) => c.name === 'cli_export_a');
    assert.ok(a, json.stdout.slice(0, 500));
    assert.equal(a.shards.length, 3);
    assert.equal(a.shards.reduce((n: number, s: any) => n + s.segments.reduce((m: number, g: any) => m + g.rows, 0), 0), ROWS);

    const table = await runCli(['status', '--url', server.url, '--segments']);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^collections\n/);
    assert.match(table.stdout, /default\s+cli_export_a\s+\d+\s+3\s+Loaded\s+4000\s/);
    assert.match(table.stdout, /\nshards\n[^]*default\.cli_export_a\s+2\s/);
    assert.match(table.stdout, /\nsegments\n/);
    assert.match(table.stdout, /\nprocesses\n[^]*standalone/);
  });

  it('fails with exit code 1 when the server is unreachable', async () => {
    const r = await runCli(['status', '--url', 'http://127.0.0.1:9']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /cannot reach http:\/\/127\.0\.0\.1:9/);
  });
});

describe('quiver help and usage errors', () => {
  it('prints help for every command with exit code 0', async () => {
    const top = await runCli(['--help']);
    assert.equal(top.code, 0);
    for (const c of ['import', 'export', 'status', 'backup', 'restore', 'bench', 'standalone']) assert.match(top.stdout, new RegExp(`\\n  ${c} `));
    for (const c of ['import', 'export', 'status', 'backup', 'restore']) {
      const r = await runCli([c, '--help']);
      assert.equal(r.code, 0, `${c}: ${r.stderr}`);
      assert.match(r.stdout, new RegExp(`^usage: quiver ${c} `), c);
    }
    const bench = await runCli(['bench', '--help']);
    assert.equal(bench.code, 0, bench.stderr);
    assert.match(bench.stdout, /^usage: npm run bench/);
  });

  it('answers bad usage with exit code 2 and a message', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['import'], /import needs exactly one file/],
      [['import', 'x.txt', '--collection', 'c'], /cannot tell the format/],
      [['import', 'x.csv', '--collection', 'c', '--batch', '0'], /--batch must be an integer/],
      [['export', '--collection', 'c', '--nope'], /Unknown option '--nope'/],
      [['status', '--url', 'ftp://x'], /--url must be an http\(s\) URL/],
      [['restore', '--from', 'collections/x'], /must not be inside/],
      [['frobnicate'], /unknown command: frobnicate/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message, args.join(' '));
    }
  });
});
