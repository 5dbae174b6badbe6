/** `quiver status` against a server without GET /v2/quiver/status: built from the Milvus endpoints. */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { MilvusClient } from '../../../src/cli/milvus-client.ts';
import { basicStatus, fetchStatus, renderBasic } from '../../../src/cli/status.ts';

const ANSWERS: Record<string, (body: any) => unknown> = {
  'databases/list': () => ({ dbNames: ['default', 'other'] }),
  'collections/list': (b) => (b.dbName === 'default' ? ['a', 'b'] : ['c']),
  'collections/describe': (b) => (b.collectionName === 'b' ? null : { collectionName: b.collectionName, collectionID: 7, shardsNum: 2, fields: [] }),
  'collections/get_stats': (b) => ({ rowCount: b.collectionName === 'a' ? 42 : 0 }),
  'collections/get_load_state': () => ({ loadState: 'LoadStateLoaded' }),
};

describe('status without the status endpoint', () => {
  let server: Server;
  let url = '';
  before(async () => {
    server = createServer((req, res) => {
      let text = '';
      req.on('data', (c) => (text += c));
      req.on('end', () => {
        const path = (req.url ?? '').replace('/v2/vectordb/', '');
        const answer = req.method === 'POST' ? ANSWERS[path] : undefined;
        if (!answer) {
          res.writeHead(404).end('404 page not found');
          return;
        }
        const data = answer(JSON.parse(text || '{}'));
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(data === null ? { code: 100, message: 'collection not found' } : { code: 0, data }));
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server.close());

  it('lists every database\'s collections with what the Milvus endpoints tell, and n/a for the rest', async () => {
    const client = new MilvusClient({ url, attempts: 1 });
    assert.equal(await fetchStatus(client), null);
    const rows = await basicStatus(client, undefined);
    assert.deepEqual(rows, [
      { db: 'default', name: 'a', id: 7, shards: 2, loadState: 'LoadStateLoaded', rows: 42 },
      { db: 'default', name: 'b', id: null, shards: null, loadState: 'LoadStateLoaded', rows: 0 },
      { db: 'other', name: 'c', id: 7, shards: 2, loadState: 'LoadStateLoaded', rows: 0 },
    ]);
    const text = renderBasic(rows);
    assert.match(text, /default\s+a\s+7\s+2\s+Loaded\s+42\s+n\/a\s+n\/a\s+n\/a/);
    assert.match(text, /default\s+b\s+n\/a\s+n\/a\s+Loaded/);
    assert.match(text, /\nprocesses\nn\/a\n/);
  });
});
