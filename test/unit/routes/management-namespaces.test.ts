/**
 * Partition, alias and database endpoints through the HTTP app: lifecycles, Milvus envelopes and
 * the not-found codes (200 partition, 1600 alias, 800 database).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openHarness, type Harness } from './management-harness.ts';

const C = '/v2/vectordb/collections';
const P = '/v2/vectordb/partitions';
const A = '/v2/vectordb/aliases';
const D = '/v2/vectordb/databases';

describe('management routes: partitions, aliases, databases', () => {
  let h: Harness;
  before(async () => {
    h = await openHarness();
    await h.post(`${C}/create`, { collectionName: 'books', dimension: 4 });
    await h.post(`${C}/create`, { collectionName: 'films', dimension: 4 });
  });
  after(async () => h.close());

  it('runs the partition lifecycle', async () => {
    const coll = { collectionName: 'books' };
    assert.deepEqual((await h.post(`${P}/list`, coll)).json, { code: 0, data: ['_default'] });
    assert.deepEqual((await h.post(`${P}/create`, { ...coll, partitionName: 'p1' })).json, { code: 0, data: {} });
    assert.equal((await h.post(`${P}/create`, { ...coll, partitionName: 'p1' })).json.code, 0, 'duplicate is a no-op');
    assert.deepEqual((await h.post(`${P}/list`, coll)).json.data, ['_default', 'p1']);
    assert.deepEqual((await h.post(`${P}/has`, { ...coll, partitionName: 'p1' })).json.data, { has: true });
    assert.deepEqual((await h.post(`${P}/get_stats`, { ...coll, partitionName: 'p1' })).json.data, { rowCount: 3 });
    assert.equal((await h.post(`${P}/load`, { ...coll, partitionNames: ['p1'] })).json.code, 0);
    assert.equal((await h.post(`${P}/release`, { ...coll, partitionNames: ['p1'] })).json.code, 0);
    const c = await h.services.catalog.requireCollection('default', 'books');
    assert.equal(c.partitions[1].name, 'p1');
    assert.notEqual(c.partitions[1].id, c.partitions[0].id);
    assert.equal((await h.post(`${C}/describe`, coll)).json.data.partitionsNum, 2);

    assert.equal((await h.post(`${P}/drop`, { ...coll, partitionName: '_default' })).json.code, 65535);
    assert.equal((await h.post(`${P}/drop`, { ...coll, partitionName: 'p1' })).json.code, 0);
    assert.deepEqual((await h.post(`${P}/has`, { ...coll, partitionName: 'p1' })).json.data, { has: false });
    assert.equal((await h.post(`${P}/drop`, { ...coll, partitionName: 'p1' })).json.code, 0, 'missing is a no-op');
  });

  it('answers 200 for unknown partitions and 1100 for bad names', async () => {
    const stats = await h.post(`${P}/get_stats`, { collectionName: 'books', partitionName: 'zz' });
    assert.deepEqual(stats.json, { code: 200, message: 'partition not found[partition=zz]' });
    assert.equal((await h.post(`${P}/load`, { collectionName: 'books', partitionNames: ['zz'] })).json.code, 200);
    const state = await h.post(`${C}/get_load_state`, { collectionName: 'books', partitionNames: ['zz'] });
    assert.equal(state.json.code, 200);
    assert.equal((await h.post(`${P}/create`, { collectionName: 'books', partitionName: '1bad' })).json.code, 1100);
    assert.equal((await h.post(`${P}/create`, { collectionName: 'books' })).json.code, 1802);
    assert.equal((await h.post(`${P}/list`, { collectionName: 'nope' })).json.code, 100);
  });

  it('runs the alias lifecycle', async () => {
    const alias = { collectionName: 'books', aliasName: 'reading' };
    assert.deepEqual((await h.post(`${A}/create`, alias)).json, { code: 0, data: {} });
    assert.equal((await h.post(`${A}/create`, alias)).json.code, 0, 'same target is a no-op');
    assert.equal((await h.post(`${A}/create`, { ...alias, collectionName: 'films' })).json.code, 65535);
    assert.deepEqual((await h.post(`${A}/describe`, { aliasName: 'reading' })).json.data, {
      dbName: 'default', collectionName: 'books', aliasName: 'reading',
    });
    assert.deepEqual((await h.post(`${A}/list`, {})).json.data, ['reading']);
    assert.deepEqual((await h.post(`${A}/list`, { collectionName: 'films' })).json.data, []);
    const viaAlias = (await h.post(`${C}/describe`, { collectionName: 'reading' })).json.data;
    assert.equal(viaAlias.collectionName, 'books');
    assert.deepEqual(viaAlias.aliases, ['reading']);
    assert.equal((await h.post(`${C}/has`, { collectionName: 'reading' })).json.data.has, true);
    assert.equal((await h.post(`${C}/drop`, { collectionName: 'reading' })).json.code, 1100);

    assert.equal((await h.post(`${A}/alter`, { ...alias, collectionName: 'films' })).json.code, 0);
    assert.equal((await h.post(`${A}/describe`, { aliasName: 'reading' })).json.data.collectionName, 'films');
    assert.deepEqual((await h.post(`${A}/list`, { collectionName: 'films' })).json.data, ['reading']);
    assert.equal((await h.post(`${A}/drop`, { aliasName: 'reading' })).json.code, 0);
    const gone = await h.post(`${A}/describe`, { aliasName: 'reading' });
    assert.deepEqual(gone.json, { code: 1600, message: 'alias not found[database=default][alias=reading]' });
    assert.equal((await h.post(`${A}/alter`, alias)).json.code, 1600);
    assert.equal((await h.post(`${A}/create`, { collectionName: 'nope', aliasName: 'x' })).json.code, 100);
    assert.equal((await h.post(`${A}/create`, { collectionName: 'books' })).json.code, 1802);
  });

  it('runs the database lifecycle, with 800 for a missing database', async () => {
    const created = await h.post(`${D}/create`, { dbName: 'shop', properties: { 'database.replica.number': 1 } });
    assert.deepEqual(created.json, { code: 0, data: {} });
    assert.equal((await h.post(`${D}/create`, { dbName: 'shop' })).json.code, 65535);
    assert.deepEqual((await h.post(`${D}/list`, {})).json.data, ['default', 'shop']);
    let d = (await h.post(`${D}/describe`, { dbName: 'shop' })).json.data;
    assert.equal(d.dbName, 'shop');
    assert.equal(typeof d.dbID, 'number');
    assert.deepEqual(d.properties, [{ key: 'database.replica.number', value: '1' }]);
    assert.equal((await h.post(`${D}/alter`, { dbName: 'shop', properties: { a: 'x' } })).json.code, 0);
    assert.equal((await h.post(`${D}/alter_properties`, { dbName: 'shop', properties: { b: 2 } })).json.code, 0);
    assert.equal((await h.post(`${D}/drop_properties`, { dbName: 'shop', propertyKeys: ['a'] })).json.code, 0);
    d = (await h.post(`${D}/describe`, { dbName: 'shop' })).json.data;
    assert.deepEqual(d.properties.map((p: { key: string }) => p.key), ['database.replica.number', 'b']);

    const inShop = await h.post(`${C}/create`, { collectionName: 'carts', dimension: 4 }, { 'DB-Name': 'shop' });
    assert.equal(inShop.json.code, 0);
    assert.deepEqual((await h.post(`${C}/list`, { dbName: 'shop' })).json.data, ['carts']);
    assert.equal((await h.post(`${C}/has`, { collectionName: 'carts' })).json.data.has, false, 'not in default');
    assert.equal((await h.post(`${D}/drop`, { dbName: 'shop' })).json.code, 65535, 'not empty');
    assert.equal((await h.post(`${C}/drop`, { dbName: 'shop', collectionName: 'carts' })).json.code, 0);
    assert.deepEqual((await h.post(`${D}/drop`, { dbName: 'shop' })).json, { code: 0, data: {} });
    assert.equal((await h.post(`${D}/drop`, { dbName: 'shop' })).json.code, 0, 'missing is a no-op');

    const missing = await h.post(`${D}/describe`, { dbName: 'shop' });
    assert.deepEqual(missing.json, { code: 800, message: 'database not found[database=shop]' });
    assert.equal((await h.post(`${C}/create`, { dbName: 'shop', collectionName: 'x', dimension: 4 })).json.code, 800);
    assert.equal((await h.post(`${C}/describe`, { dbName: 'shop', collectionName: 'x' })).json.code, 800);
    assert.equal((await h.post(`${D}/drop`, { dbName: 'default' })).json.code, 65535);
    assert.equal((await h.post(`${D}/describe`, {})).json.code, 1802);
  });
});
