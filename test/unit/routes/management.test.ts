/**
 * Collection and index endpoints through the HTTP app: Milvus envelopes and codes, and what the
 * routes do to the catalog, the log, the manifests and the object store.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { shardKeys } from '../../../src/shared/catalog/keys.ts';
import { openHarness, type Harness } from './management-harness.ts';

const C = '/v2/vectordb/collections';
const I = '/v2/vectordb/indexes';

const customBody = (name: string, indexParams?: unknown[]) => ({
  collectionName: name,
  schema: {
    fields: [
      { fieldName: 'my_id', dataType: 'Int64', isPrimary: true },
      { fieldName: 'tag', dataType: 'VarChar', elementTypeParams: { max_length: 64 } },
      { fieldName: 'my_vector', dataType: 'FloatVector', elementTypeParams: { dim: 4 } },
    ],
  },
  ...(indexParams ? { indexParams } : {}),
});

describe('management routes: collections and indexes', () => {
  let h: Harness;
  before(async () => {
    h = await openHarness();
  });
  after(async () => h.close());

  it('quick setup creates, indexes and loads; describe has the Milvus shape', async () => {
    const created = await h.post(`${C}/create`, { collectionName: 'quick', dimension: 4, metricType: 'L2' });
    assert.deepEqual(created.json, { code: 0, data: {} });
    const d = (await h.post(`${C}/describe`, { collectionName: 'quick' })).json;
    assert.equal(d.code, 0);
    assert.equal(d.data.collectionName, 'quick');
    assert.equal(d.data.fields.length, 2);
    assert.deepEqual(d.data.indexes, [{ fieldName: 'vector', indexName: 'vector', metricType: 'L2' }]);
    assert.equal(d.data.load, 'LoadStateLoaded');
    assert.equal(d.data.enableDynamicField, true);
    assert.equal(d.data.shardsNum, 1);
    assert.equal(d.data.partitionsNum, 1);
    assert.deepEqual(d.data.aliases, []);
    assert.ok((await h.services.log.listTopics()).includes(`test.${d.data.collectionID}`));
    const state = await h.post(`${C}/get_load_state`, { collectionName: 'quick' });
    assert.deepEqual(state.json.data, { loadState: 'LoadStateLoaded', loadProgress: 100 });
  });

  it('answers "already exist" for a taken name without creating another topic', async () => {
    const topics = (await h.services.log.listTopics()).length;
    const again = await h.post(`${C}/create`, { collectionName: 'quick', dimension: 4 });
    assert.equal(again.json.code, 65535);
    assert.match(again.json.message, /already exist/);
    assert.equal((await h.services.log.listTopics()).length, topics);
  });

  it('lists and has collections; missing database answers 800', async () => {
    assert.deepEqual((await h.post(`${C}/list`, {})).json, { code: 0, data: ['quick'] });
    assert.deepEqual((await h.post(`${C}/has`, { collectionName: 'quick' })).json.data, { has: true });
    assert.deepEqual((await h.post(`${C}/has`, { collectionName: 'nope' })).json.data, { has: false });
    assert.equal((await h.post(`${C}/list`, { dbName: 'nodb' })).json.code, 800);
    const missing = await h.post(`${C}/describe`, { collectionName: 'nope' });
    assert.deepEqual(missing.json, { code: 100, message: "can't find collection[database=default][collection=nope]" });
    const state = await h.post(`${C}/get_load_state`, { collectionName: 'nope' });
    assert.deepEqual(state.json, { code: 100, message: 'collection not found[collection=nope]' });
  });

  it('custom setup without indexes is not loaded, and cannot load before an index exists', async () => {
    assert.equal((await h.post(`${C}/create`, customBody('custom'))).json.code, 0);
    const state = await h.post(`${C}/get_load_state`, { collectionName: 'custom' });
    assert.deepEqual(state.json.data, { loadState: 'LoadStateNotLoad' });
    assert.deepEqual((await h.post(`${I}/list`, { collectionName: 'custom' })).json.data, []);
    const load = await h.post(`${C}/load`, { collectionName: 'custom' });
    assert.equal(load.json.code, 700);
  });

  it('creates, describes, lists and drops indexes', async () => {
    const create = await h.post(`${I}/create`, {
      collectionName: 'custom',
      indexParams: [
        { fieldName: 'my_vector', indexName: 'vec_idx', metricType: 'L2', params: { index_type: 'IVF_FLAT', nlist: 128 } },
        { fieldName: 'tag', indexName: 'tag_idx', indexType: 'INVERTED' },
      ],
    });
    assert.deepEqual(create.json, { code: 0, data: {} });
    assert.deepEqual((await h.post(`${I}/list`, { collectionName: 'custom' })).json.data, ['vec_idx', 'tag_idx']);
    const c = await h.services.catalog.requireCollection('default', 'custom');
    await h.publishSegments(c.id, [{ level: 1, rows: 10 }, { level: 0, rows: 4 }]);
    const vec = (await h.post(`${I}/describe`, { collectionName: 'custom', indexName: 'vec_idx' })).json.data[0];
    assert.equal(vec.indexType, 'IVF_FLAT');
    assert.deepEqual([vec.totalRows, vec.indexedRows, vec.pendingRows, vec.indexState], [14, 10, 4, 'InProgress']);
    const tag = (await h.post(`${I}/describe`, { collectionName: 'custom', indexName: 'tag_idx' })).json.data[0];
    assert.deepEqual([tag.indexType, tag.fieldName, tag.pendingRows, tag.indexState], ['INVERTED', 'tag', 0, 'Finished']);
    const missing = await h.post(`${I}/describe`, { collectionName: 'custom', indexName: 'nope' });
    assert.deepEqual(missing.json, { code: 700, message: 'index not found[indexName=nope]' });
    assert.equal((await h.post(`${C}/get_stats`, { collectionName: 'custom' })).json.data.rowCount, 14);

    assert.equal((await h.post(`${C}/load`, { collectionName: 'custom' })).json.code, 0);
    assert.equal(h.reader.loadState(c.id), 'LoadStateLoaded');
    assert.equal((await h.post(`${C}/get_stats`, { collectionName: 'custom' })).json.data.rowCount, 3);
    const busy = await h.post(`${I}/drop`, { collectionName: 'custom', indexName: 'vec_idx' });
    assert.equal(busy.json.code, 65535);
    assert.equal((await h.post(`${C}/release`, { collectionName: 'custom' })).json.code, 0);
    assert.equal(h.reader.loadState(c.id), 'LoadStateNotLoad');
    assert.equal((await h.post(`${I}/drop`, { collectionName: 'custom', indexName: 'vec_idx' })).json.code, 0);
    assert.equal((await h.post(`${I}/drop`, { collectionName: 'custom', indexName: 'vec_idx' })).json.code, 0);
    assert.deepEqual((await h.post(`${I}/list`, { collectionName: 'custom' })).json.data, ['tag_idx']);
  });

  it('custom setup with indexParams loads; an index on an unknown field answers 1802', async () => {
    const body = customBody('indexed', [{ fieldName: 'my_vector', metricType: 'COSINE' }]);
    assert.equal((await h.post(`${C}/create`, body)).json.code, 0);
    const d = (await h.post(`${C}/describe`, { collectionName: 'indexed' })).json.data;
    assert.equal(d.load, 'LoadStateLoaded');
    const bad = await h.post(`${C}/create`, customBody('bad', [{ fieldName: 'nope', metricType: 'L2' }]));
    assert.equal(bad.json.code, 1802);
    assert.equal((await h.post(`${C}/has`, { collectionName: 'bad' })).json.data.has, false);
  });

  it('alters and drops properties, validating the TTL', async () => {
    const bad = await h.post(`${C}/alter_properties`, { collectionName: 'quick', properties: { 'collection.ttl.seconds': -1 } });
    assert.equal(bad.json.code, 1100);
    const props = { 'collection.ttl.seconds': 3600, 'mmap.enabled': true };
    assert.equal((await h.post(`${C}/alter_properties`, { collectionName: 'quick', properties: props })).json.code, 0);
    let d = (await h.post(`${C}/describe`, { collectionName: 'quick' })).json.data;
    assert.deepEqual(d.properties, [
      { key: 'collection.ttl.seconds', value: '3600' },
      { key: 'mmap.enabled', value: 'true' },
    ]);
    const drop = await h.post(`${C}/drop_properties`, { collectionName: 'quick', propertyKeys: ['mmap.enabled', 'x'] });
    assert.equal(drop.json.code, 0);
    d = (await h.post(`${C}/describe`, { collectionName: 'quick' })).json.data;
    assert.deepEqual(d.properties, [{ key: 'collection.ttl.seconds', value: '3600' }]);
  });

  it('renames a collection', async () => {
    const r = await h.post(`${C}/rename`, { collectionName: 'indexed', newCollectionName: 'renamed' });
    assert.deepEqual(r.json, { code: 0, data: {} });
    assert.equal((await h.post(`${C}/has`, { collectionName: 'indexed' })).json.data.has, false);
    assert.equal((await h.post(`${C}/describe`, { collectionName: 'renamed' })).json.data.collectionName, 'renamed');
  });

  it('flushes, compacts and reports compaction state', async () => {
    const c = await h.services.catalog.requireCollection('default', 'quick');
    assert.deepEqual((await h.post(`${C}/flush`, { collectionName: 'quick' })).json, { code: 0, data: {} });
    assert.ok(await h.services.coordinator.get(shardKeys.flushRequest(c.id)));
    const compact = (await h.post(`${C}/compact`, { collectionName: 'quick' })).json;
    assert.equal(typeof compact.data.compactionID, 'number');
    assert.ok(await h.services.coordinator.get(shardKeys.compactRequest(c.id)));
    const state = await h.post(`${C}/get_compaction_state`, { compactionID: compact.data.compactionID });
    assert.equal(state.json.data.state, 'Completed');
    assert.equal((await h.post(`${C}/refresh_load`, { collectionName: 'quick' })).json.code, 0);
    assert.equal((await h.post(`${C}/refresh_load`, { collectionName: 'custom' })).json.code, 101);
  });

  it('drops a collection with its topic, manifests and objects; dropping again succeeds', async () => {
    const c = await h.services.catalog.requireCollection('default', 'custom');
    await h.services.objects.put(`collections/${c.id}/shards/0/segments/seg0/data`, Uint8Array.of(1));
    assert.deepEqual((await h.post(`${C}/drop`, { collectionName: 'custom' })).json, { code: 0, data: {} });
    assert.equal((await h.post(`${C}/has`, { collectionName: 'custom' })).json.data.has, false);
    assert.ok(!(await h.services.log.listTopics()).includes(c.topic));
    assert.equal(await h.services.manifests.read(c.id, 0), null);
    assert.deepEqual(await h.services.objects.list(`collections/${c.id}/`), []);
    assert.equal((await h.post(`${C}/drop`, { collectionName: 'custom' })).json.code, 0);
  });

  it('maps transport errors like Milvus: 1802, 1801, 404', async () => {
    const missing = await h.post(`${C}/describe`, {});
    assert.equal(missing.json.code, 1802);
    assert.equal((await h.post(`${C}/create`, { dimension: 4 })).json.code, 1802);
    assert.equal((await h.post(`${I}/create`, { collectionName: 'quick' })).json.code, 1802);
    assert.equal((await h.post(`${C}/describe`, '{not json')).json.code, 1801);
    assert.equal((await h.post(`${C}/describe`, '')).json.code, 1801);
    const unknown = await h.post('/v2/vectordb/collections/nope', {});
    assert.equal(unknown.status, 404);
  });
});
