/**
 * `quiver backup` / `quiver restore` on a standalone deployment: back up while the server runs,
 * lose the coordinator (a fresh coordinator directory) and every segment object, restore, and
 * every row is queryable and searchable again; a second restore onto the now non-empty
 * coordinator is refused unless --force.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runCli } from '../helpers/cli-run.ts';
import { milvus, startStandaloneProcess, type StandaloneProcess } from '../helpers/standalone-process.ts';

const ROWS = 3000;
const INT64 = { 'Accept-Type-Allow-Int64': 'true' };
const vector = (i: number) => [i % 7, (i * 3) % 11, 1, i / 8];

describe('quiver backup and restore', () => {
  let dir = '';
  let server: StandaloneProcess | null = null;
  after(async () => {
    await server?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('restores catalog, manifests and segments so every row is back', async () => {
    dir = await mkdtemp(join(tmpdir(), 'quiver-cli-backup-'));
    const data = join(dir, 'data');
    const first = { QUIVER_COORDINATOR_KIND: 'local', QUIVER_COORDINATOR_PATH: join(dir, 'coordinator-1') };
    const second = { QUIVER_COORDINATOR_KIND: 'local', QUIVER_COORDINATOR_PATH: join(dir, 'coordinator-2') };
    server = await startStandaloneProcess(data, first);
    const created = await milvus(server.url, 'collections/create', { collectionName: 'cli_backup', dimension: 4, params: { shardsNum: 2 } });
    assert.equal(created.code, 0, JSON.stringify(created));
    for (let start = 0; start < ROWS; start += 1000) {
      const rows = Array.from({ length: 1000 }, (_, k) => ({ id: start + k, vector: vector(start + k), tag: `t${start + k}` }));
      const r = await milvus(server.url, 'entities/insert', { collectionName: 'cli_backup', data: rows });
      assert.equal(r.code, 0, JSON.stringify(r));
    }
    const counted = await milvus(server.url, 'entities/query', { collectionName: 'cli_backup', outputFields: ['count(*)'], consistencyLevel: 'Strong' });
    assert.equal(counted.data[0]['count(*)'], ROWS);

    // Backed up while the server runs.
    const backup = await runCli(['backup', '--to', 'backups/one', '--data-dir', data], first);
    assert.equal(backup.code, 0, backup.stderr);
    assert.match(backup.stdout, /backup backups\/one\/: 1 collections, 2 shards, \d+ segments \(3000 stored rows/);
    const again = await runCli(['backup', '--to', 'backups/one', '--data-dir', data], first);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /a backup already exists at backups\/one\//);

    // Lose the coordinator and the segments; the log stays, as it must (see docs/CLI.md).
    await server.stop();
    server = null;
    // The fs object store keeps object `k` at <root>/objects/k.
    await rm(join(data, 'objects', 'objects', 'collections'), { recursive: true, force: true });

    const restored = await runCli(['restore', '--from', 'backups/one', '--data-dir', data], second);
    assert.equal(restored.code, 0, restored.stderr);
    assert.match(restored.stdout, /1 collections, 2 shards \(3000 stored rows\), (\d+) of \1 segment objects copied back/);
    const refused = await runCli(['restore', '--from', 'backups/one', '--data-dir', data], second);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /the coordinator is not empty \(1 collections, 2 shard manifests\).*--force/);
    const missing = await runCli(['restore', '--from', 'backups/none', '--data-dir', data], second);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no complete backup at backups\/none\//);

    server = await startStandaloneProcess(data, second);
    const count = await milvus(server.url, 'entities/query', { collectionName: 'cli_backup', outputFields: ['count(*)'], consistencyLevel: 'Strong' });
    assert.equal(count.code, 0, JSON.stringify(count));
    assert.equal(count.data[0]['count(*)'], ROWS);
    const got = await milvus(server.url, 'entities/get', { collectionName: 'cli_backup', id: [0, 1234, ROWS - 1], outputFields: ['*'] }, INT64);
    assert.deepEqual(
      (got.data as any[]).sort((a, b) => a.id - b.id).map((r) => [r.id, r.vector, r.tag]),
      [0, 1234, ROWS - 1].map((i) => [i, vector(i), `t${i}`]),
    );
    const search = await milvus(server.url, 'entities/search', { collectionName: 'cli_backup', data: [vector(777)], limit: 1, outputFields: ['tag'] }, INT64);
    assert.equal(search.code, 0, JSON.stringify(search));
    assert.deepEqual([search.data[0].id, search.data[0].tag], [777, 't777']);
    // New writes after the restore are accepted and visible next to the restored rows.
    const more = await milvus(server.url, 'entities/insert', { collectionName: 'cli_backup', data: [{ id: ROWS, vector: vector(1), tag: 'new' }] });
    assert.equal(more.code, 0, JSON.stringify(more));
    const after2 = await milvus(server.url, 'entities/query', { collectionName: 'cli_backup', outputFields: ['count(*)'], consistencyLevel: 'Strong' });
    assert.equal(after2.data[0]['count(*)'], ROWS + 1);

    // --force replaces the live catalog (here with the same backup) once the server is stopped.
    await server.stop();
    server = null;
    const forced = await runCli(['restore', '--from', 'backups/one', '--data-dir', data, '--force'], second);
    assert.equal(forced.code, 0, forced.stderr);
  });
});
