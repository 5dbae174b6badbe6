/**
 * `quiver import` against a standalone server: a 100k-row fvecs import that is SIGKILLed midway
 * resumes from its checkpoint and ends with exactly 100k rows; every format (JSONL, CSV, Parquet,
 * .npy, fvecs) loads; autoID collections take rows without keys.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parquetWriteFile } from 'hyparquet-writer';
import { runCli, startCli } from '../helpers/cli-run.ts';
import { milvus, startStandaloneProcess, type StandaloneProcess } from '../helpers/standalone-process.ts';

const DIM = 16;
const INT64 = { 'Accept-Type-Allow-Int64': 'true' };
const ROWS = 100_000;

/** Exactly representable in float32, so values survive the round trip unchanged. */
const component = (row: number, j: number) => (row % 1000) + j * 0.25;

function fvecs(rows: number, dim: number): Buffer {
  const buf = Buffer.alloc(rows * (4 + dim * 4));
  for (let r = 0; r < rows; r++) {
    const base = r * (4 + dim * 4);
    buf.writeInt32LE(dim, base);
    for (let j = 0; j < dim; j++) buf.writeFloatLE(component(r, j), base + 4 + j * 4);
  }
  return buf;
}

function npy(rows: number, dim: number): Buffer {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${rows}, ${dim}), }`;
  const pad = 64 - ((10 + header.length + 1) % 64);
  header += ' '.repeat(pad % 64) + '\n';
  const head = Buffer.alloc(10);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]).copy(head);
  head.writeUInt16LE(header.length, 8);
  const data = Buffer.alloc(rows * dim * 4);
  for (let r = 0; r < rows; r++) for (let j = 0; j < dim; j++) data.writeFloatLE(component(r, j), (r * dim + j) * 4);
  return Buffer.concat([head, Buffer.from(header, 'latin1'), data]);
}

async function count(url: string, collectionName: string): Promise<number> {
  const r = await milvus(url, 'entities/query', { collectionName, outputFields: ['count(*)'], consistencyLevel: 'Strong' });
  assert.equal(r.code, 0, JSON.stringify(r));
  return Number(r.data[0]['count(*)']);
}

async function getRows(url: string, collectionName: string, ids: Array<number | string>): Promise<Map<string, any>> {
  const r = await milvus(url, 'entities/get', { collectionName, id: ids, outputFields: ['*'], consistencyLevel: 'Strong' }, INT64);
  assert.equal(r.code, 0, JSON.stringify(r));
  return new Map((r.data as any[]).map((row) => [String(row.id), row]));
}

describe('quiver import', () => {
  let dir = '';
  let server: StandaloneProcess;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'quiver-cli-import-'));
    server = await startStandaloneProcess(join(dir, 'data'));
  });
  after(async () => {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('resumes a killed 100k-row import from its checkpoint and stores every row exactly once', async () => {
    const file = join(dir, 'vectors.fvecs');
    await writeFile(file, fvecs(ROWS, DIM));
    const created = await milvus(server.url, 'collections/create', { collectionName: 'cli_import_big', dimension: DIM });
    assert.equal(created.code, 0, JSON.stringify(created));
    const args = ['import', file, '--collection', 'cli_import_big', '--url', server.url, '--batch', '1000'];
    const checkpointFile = `${file}.quiver-import.json`;

    // Slowed down so the kill lands midway; the checkpoint tells when some rows are in.
    const first = startCli([...args, '--rate', '15000']);
    let acknowledged = 0;
    while (acknowledged < 10_000) {
      await new Promise((r) => setTimeout(r, 25));
      const text = await readFile(checkpointFile, 'utf8').catch(() => null);
      if (text) acknowledged = JSON.parse(text).rowsAcknowledged;
      assert.equal(first.child.exitCode, null, 'the import finished before it could be killed');
    }
    first.child.kill('SIGKILL');
    const killed = await first.done;
    assert.equal(killed.signal, 'SIGKILL');
    assert.match(killed.stderr, /import: \d+\/100000 rows \(\d+\.\d%\), \d+ rows\/s, ETA /, 'progress lines on stderr');
    const atKill = JSON.parse(await readFile(checkpointFile, 'utf8'));
    assert.ok(atKill.rowsAcknowledged >= 10_000 && atKill.rowsAcknowledged < ROWS, `checkpoint ${atKill.rowsAcknowledged}`);
    assert.equal(atKill.complete, false);

    const second = await runCli(args);
    assert.equal(second.code, 0, second.stderr);
    const resumedAt = Number(/resuming after row (\d+)/.exec(second.stderr)?.[1]);
    assert.ok(resumedAt >= atKill.rowsAcknowledged, `did not resume from the checkpoint:\n${second.stderr}`);
    assert.match(second.stderr, new RegExp(`${ROWS - resumedAt} rows in .*resumed after row ${resumedAt}; ${ROWS} rows in total`));
    const done = JSON.parse(await readFile(checkpointFile, 'utf8'));
    assert.deepEqual([done.rowsAcknowledged, done.complete], [ROWS, true]);

    assert.equal(await count(server.url, 'cli_import_big'), ROWS);
    const ids = [0, 1, 999, resumedAt - 1, resumedAt, resumedAt + 1, 54_321, ROWS - 1];
    const rows = await getRows(server.url, 'cli_import_big', ids);
    for (const id of ids) {
      assert.deepEqual(rows.get(String(id))?.vector, Array.from({ length: DIM }, (_, j) => component(id, j)), `vector of row ${id}`);
    }

    // A rerun of a complete import sends nothing.
    const third = await runCli(args);
    assert.equal(third.code, 0, third.stderr);
    assert.match(third.stderr, /already imported completely \(100000 rows/);
  });

  it('loads JSONL, CSV, Parquet, .npy and fvecs files', async () => {
    const created = await milvus(server.url, 'collections/create', {
      collectionName: 'cli_import_formats',
      schema: {
        autoId: false,
        enableDynamicField: true,
        fields: [
          { fieldName: 'id', dataType: 'Int64', isPrimary: true },
          { fieldName: 'vector', dataType: 'FloatVector', elementTypeParams: { dim: '4' } },
          { fieldName: 'name', dataType: 'VarChar', elementTypeParams: { max_length: '64' }, nullable: true },
          { fieldName: 'score', dataType: 'Double', nullable: true },
          { fieldName: 'ok', dataType: 'Bool', nullable: true },
        ],
      },
      indexParams: [{ fieldName: 'vector', metricType: 'L2', indexName: 'vector', params: { index_type: 'AUTOINDEX' } }],
    });
    assert.equal(created.code, 0, JSON.stringify(created));
    const url = server.url;
    const load = async (file: string, extra: string[] = []) => {
      const r = await runCli(['import', file, '--collection', 'cli_import_formats', '--url', url, '--batch', '7', ...extra]);
      assert.equal(r.code, 0, r.stderr);
      return r;
    };

    await writeFile(join(dir, 'a.jsonl'), '{"id": 1, "vector": [1, 0, 0, 0], "name": "one", "score": 1.5, "ok": true, "extra": {"k": 1}}\n\n{"id": 2, "vector": [2, 0, 0, 0], "name": "two", "score": 2.5, "ok": false}\n');
    await load(join(dir, 'a.jsonl'));
    await writeFile(
      join(dir, 'b.csv'),
      'id,vector,name,score,ok\r\n11,"[11, 0, 0, 0]","comma, ""quoted""\nand a line break",11.25,true\r\n12,"[12,0,0,0]",,,FALSE\r\n',
    );
    await load(join(dir, 'b.csv'));
    await parquetWriteFile({
      filename: join(dir, 'c.parquet'),
      columnData: [
        { name: 'id', data: [21n, 22n, 23n], type: 'INT64' },
        { name: 'vector', data: [[21, 0, 0, 0], [22, 0, 0, 0], [23, 0, 0, 0]] },
        { name: 'name', data: ['p21', 'p22', 'p23'], type: 'STRING' },
        { name: 'score', data: [21.5, 22.5, 23.5], type: 'DOUBLE' },
      ],
    });
    await load(join(dir, 'c.parquet'));
    await writeFile(join(dir, 'd.npy'), npy(10, 4));
    await load(join(dir, 'd.npy'), ['--id-start', '100']);
    await writeFile(join(dir, 'e.fvecs'), fvecs(10, 4));
    await load(join(dir, 'e.fvecs'), ['--id-start', '200']);
    await writeFile(join(dir, 'f.jsonl'), '{"id": 3, "vector": [0.5, 0, 0, 3]}\n');
    await load(join(dir, 'f.jsonl'), ['--vector-encoding', 'numbers']);
    const badEncoding = await runCli(['import', join(dir, 'f.jsonl'), '--collection', 'cli_import_formats', '--url', url, '--vector-encoding', 'hex']);
    assert.equal(badEncoding.code, 2, badEncoding.stderr);
    assert.match(badEncoding.stderr, /--vector-encoding must be one of base64, numbers/);

    assert.equal(await count(url, 'cli_import_formats'), 2 + 1 + 2 + 3 + 10 + 10);
    const rows = await getRows(url, 'cli_import_formats', [1, 2, 3, 11, 12, 21, 23, 100, 109, 200, 209]);
    assert.deepEqual(rows.get('3')?.vector, [0.5, 0, 0, 3]);
    assert.deepEqual(rows.get('1'), { id: 1, vector: [1, 0, 0, 0], name: 'one', score: 1.5, ok: true, extra: { k: 1 } });
    assert.equal(rows.get('2')?.ok, false);
    assert.deepEqual(rows.get('11'), { id: 11, vector: [11, 0, 0, 0], name: 'comma, "quoted"\nand a line break', score: 11.25, ok: true });
    assert.deepEqual([rows.get('12')?.name, rows.get('12')?.score, rows.get('12')?.ok], ['', null, false]);
    assert.deepEqual([rows.get('21')?.name, rows.get('23')?.score, rows.get('23')?.vector], ['p21', 23.5, [23, 0, 0, 0]]);
    assert.deepEqual(rows.get('109')?.vector, [9, 9.25, 9.5, 9.75]);
    assert.deepEqual(rows.get('209')?.vector, [9, 9.25, 9.5, 9.75]);
  });

  it('inserts rows without keys into an autoID collection, and refuses rows without keys otherwise', async () => {
    const created = await milvus(server.url, 'collections/create', { collectionName: 'cli_import_auto', dimension: 4, autoID: true });
    assert.equal(created.code, 0, JSON.stringify(created));
    const file = join(dir, 'nokeys.jsonl');
    await writeFile(file, Array.from({ length: 25 }, (_, i) => JSON.stringify({ vector: [i, 1, 2, 3] })).join('\n'));
    const r = await runCli(['import', file, '--collection', 'cli_import_auto', '--url', server.url, '--batch', '10']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /via entities\/insert \(keys: auto\)/);
    assert.equal(await count(server.url, 'cli_import_auto'), 25);

    const other = await runCli(['import', file, '--collection', 'cli_import_formats', '--url', server.url, '--restart']);
    assert.equal(other.code, 2, other.stderr);
    assert.match(other.stderr, /no primary key field "id".*--id-start/);
  });

  it('reports bad rows and missing collections with exit code 1 and keeps the checkpoint at the last acknowledged batch', async () => {
    const file = join(dir, 'bad.jsonl');
    const good = Array.from({ length: 10 }, (_, i) => JSON.stringify({ id: 500 + i, vector: [i, 0, 0, 0] }));
    await writeFile(file, [...good, '{"id": 510, "vector": [1, 2]}', '{"id": 511, "vector": [1, 2, 3, 4]}'].join('\n'));
    const r = await runCli(['import', file, '--collection', 'cli_import_formats', '--url', server.url, '--batch', '5', '--concurrency', '1']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /entities\/upsert: .*\(code 1804\)/);
    const cp = JSON.parse(await readFile(`${file}.quiver-import.json`, 'utf8'));
    assert.equal(cp.rowsAcknowledged, 10);

    const broken = join(dir, 'broken.jsonl');
    await writeFile(broken, [...good, '{not json'].join('\n'));
    const b = await runCli(['import', broken, '--collection', 'cli_import_formats', '--url', server.url, '--batch', '3']);
    assert.equal(b.code, 1, b.stderr);
    assert.match(b.stderr, /broken\.jsonl:11: not valid JSON/);
    assert.equal(JSON.parse(await readFile(`${broken}.quiver-import.json`, 'utf8')).rowsAcknowledged, 9);

    const missing = await runCli(['import', file, '--collection', 'cli_no_such_collection', '--url', server.url, '--restart']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /collections\/describe: .*\(code 100\)/);
  });
});
