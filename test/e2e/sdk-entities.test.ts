/**
 * Entity operations through the Milvus Node SDK's REST client (`HttpClient`) against a real
 * standalone server: writes (insert, upsert, delete), reads (get, query with every filter family,
 * search in its variants, hybrid search), consistency levels, Int64 encoding, binary and float16
 * vectors, and the guarantee that a rejected request writes nothing.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { HttpClient } from '@zilliz/milvus2-sdk-node';
import { milvus, startStandaloneProcess, type StandaloneProcess } from '../helpers/standalone-process.ts';

const DIM = 8;
const N = 40;
const CATS = ['a', 'b', 'c'];
const FRUITS = ['apple', 'banana', 'cherry'];

interface Row {
  id: number;
  name: string;
  cat: string;
  age: number;
  score: number;
  active: boolean;
  meta: { a: number; group: string; list: number[] };
  tags: number[];
  nick?: string | null;
  v: number[];
  v2: number[];
  color: string;
}

/** Float32-exact vector components, so local distances equal the server's. */
function vectorFor(seed: number, phase: number): number[] {
  return Array.from({ length: DIM }, (_, k) => Math.fround(Math.sin(seed * 0.7 + k * 1.3 + phase)));
}

function rowFor(i: number): Row {
  const row: Row = {
    id: i,
    name: `${FRUITS[i % 3]}_${i}`,
    cat: CATS[i % 3],
    age: i,
    score: i / 2,
    active: i % 2 === 0,
    meta: { a: i, group: i % 3 === 0 ? 'x' : 'y', list: [i, i + 1] },
    tags: Array.from({ length: i % 4 }, (_, k) => (i + k) % 5),
    v: vectorFor(i, 0),
    v2: vectorFor(i, 2),
    color: i % 2 === 1 ? 'red' : 'blue',
  };
  // nick: absent (null) for every fourth row, explicit null for every fifth, else a value.
  if (i % 4 !== 0) row.nick = i % 5 === 0 ? null : `n${i}`;
  return row;
}

const ROWS = Array.from({ length: N }, (_, i) => rowFor(i + 1));

function l2(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return s;
}

function ip(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Asserts a Milvus success envelope and returns its data. */
function okData<T>(res: { code: number; data: T; message?: string }): T {
  assert.equal(res.code, 0, JSON.stringify(res));
  return res.data;
}

const sortedNums = (xs: Iterable<unknown>) => [...xs].map(Number).sort((a, b) => a - b);

describe('entities through the Milvus SDK', () => {
  let dir = '';
  let server: StandaloneProcess;
  let client: HttpClient;
  /** The rows of `ents` as the test expects them to be now (upserts and deletes applied). */
  const live = new Map<number, Row>(ROWS.map((r) => [r.id, r]));

  /** Ids matching `filter` (Strong), sorted. */
  async function idsWhere(filter: string, exprParams?: Record<string, unknown>): Promise<number[]> {
    const rows = okData(await client.query({
      collectionName: 'ents', filter, exprParams, outputFields: ['id'], limit: 1000, consistencyLevel: 'Strong',
    } as any));
    return sortedNums(rows.map((r) => r.id));
  }

  function expected(pred: (r: Row) => boolean): number[] {
    return sortedNums([...live.values()].filter(pred).map((r) => r.id));
  }

  async function count(collectionName: string, filter = ''): Promise<number> {
    const rows = okData(await client.query({ collectionName, filter, outputFields: ['count(*)'], consistencyLevel: 'Strong' }));
    return rows[0]['count(*)'] as number;
  }

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'quiver-sdk-ent-'));
    server = await startStandaloneProcess(dir);
    client = new HttpClient({ endpoint: server.url });
    okData(await client.createCollection({
      collectionName: 'ents',
      schema: {
        autoID: false,
        enableDynamicField: true,
        fields: [
          { fieldName: 'id', dataType: 'Int64', isPrimary: true },
          { fieldName: 'name', dataType: 'VarChar', elementTypeParams: { max_length: 32 } },
          { fieldName: 'cat', dataType: 'VarChar', elementTypeParams: { max_length: 4 } },
          { fieldName: 'age', dataType: 'Int32' },
          { fieldName: 'score', dataType: 'Float' },
          { fieldName: 'active', dataType: 'Bool' },
          { fieldName: 'meta', dataType: 'JSON' },
          { fieldName: 'tags', dataType: 'Array', elementDataType: 'Int64', elementTypeParams: { max_capacity: 8 } },
          { fieldName: 'nick', dataType: 'VarChar', nullable: true, elementTypeParams: { max_length: 16 } } as any,
          { fieldName: 'v', dataType: 'FloatVector', elementTypeParams: { dim: DIM } },
          { fieldName: 'v2', dataType: 'FloatVector', elementTypeParams: { dim: DIM } },
        ],
      } as any,
      indexParams: [
        { fieldName: 'v', indexName: 'v', metricType: 'L2', params: { index_type: 'HNSW', M: '16', efConstruction: '64' } },
        { fieldName: 'v2', indexName: 'v2', metricType: 'IP', params: { index_type: 'FLAT' } },
      ],
    }));
  });
  after(async () => {
    await server?.kill();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  describe('writes', () => {
    it('inserts rows with explicit ids', async () => {
      const res = okData(await client.insert({ collectionName: 'ents', data: ROWS as any }));
      assert.equal(res.insertCount, N);
      assert.deepEqual(res.insertIds, ROWS.map((r) => String(r.id)));
      assert.equal(await count('ents'), N);
    });

    it('inserts rows with auto ids', async () => {
      okData(await client.createCollection({ collectionName: 'auto', dimension: 4, autoID: true, metricType: 'L2' } as any));
      const res = okData(await client.insert({
        collectionName: 'auto', data: [1, 2, 3].map((i) => ({ vector: [i, 0, 0, 0], tag: `t${i}` })),
      }));
      assert.equal(res.insertCount, 3);
      const ids = res.insertIds as string[];
      assert.equal(new Set(ids).size, 3);
      for (const id of ids) assert.match(id, /^\d+$/);
      const rows = okData(await client.query({
        collectionName: 'auto', filter: 'tag == "t2"', outputFields: ['id', 'tag'], consistencyLevel: 'Strong',
      }));
      assert.deepEqual(rows, [{ id: ids[1], tag: 't2' }]);
      // Auto ids leave small keys free (Milvus's are timestamp-based and large) and stay exact in JSON.
      for (const id of ids) assert.ok(Number(id) > 2 ** 32 && Number(id) <= Number.MAX_SAFE_INTEGER, `auto id ${id}`);
      const explicit = await client.insert({ collectionName: 'auto', data: [{ id: 5, vector: [1, 1, 1, 1] }] });
      assert.notEqual(explicit.code, 0, 'an explicit key in an autoID collection is refused');

      // VarChar primary keys get auto ids too, as text.
      okData(await client.createCollection({
        collectionName: 'auto_text', dimension: 4, autoID: true, idType: 'VarChar', params: { max_length: 32 },
      } as any));
      const text = okData(await client.insert({ collectionName: 'auto_text', data: [{ vector: [1, 0, 0, 0] }, { vector: [0, 1, 0, 0] }] }));
      assert.equal(text.insertCount, 2);
      const textIds = text.insertIds as string[];
      assert.equal(new Set(textIds).size, 2);
      const got = okData(await client.get({ collectionName: 'auto_text', id: textIds, outputFields: ['id'], consistencyLevel: 'Strong' } as any));
      assert.deepEqual(got.map((r) => r.id).sort(), [...textIds].sort());
    });

    it('upserts a row; the old version never comes back', async () => {
      const changed: Row = { ...rowFor(5), name: 'changed_5', age: 500, v: vectorFor(1005, 0) };
      const res = okData(await client.upsert({ collectionName: 'ents', data: [changed as any] }));
      assert.equal(res.upsertCount, 1);
      assert.deepEqual(res.upsertIds, ['5']);
      live.set(5, changed);
      const check = async (when: string) => {
        const got = okData(await client.get({ collectionName: 'ents', id: [5], outputFields: ['name', 'age'], consistencyLevel: 'Strong' } as any));
        assert.deepEqual(got, [{ id: '5', name: 'changed_5', age: 500 }], when);
        assert.deepEqual(await idsWhere('age == 5'), [], `old version found by a filter ${when}`);
        assert.deepEqual(await idsWhere('id == 5'), [5], `one version of the key ${when}`);
        assert.equal(await count('ents'), N, when);
        const hits = okData(await client.search({
          collectionName: 'ents', annsField: 'v', data: [rowFor(5).v], limit: 3, outputFields: ['name'], consistencyLevel: 'Strong',
        } as any)) as any[];
        assert.ok(!hits.some((h) => h.name === 'apple_5' || h.name === 'cherry_5' || h.name === 'banana_5'), `old vector found ${when}`);
        assert.ok(hits.filter((h) => h.id === '5').length <= 1);
      };
      await check('right after the upsert');
      okData(await client.flushCollection({ collectionName: 'ents' }));
      await check('after a flush');
      const compaction = okData(await client.compactCollection({ collectionName: 'ents' }));
      let state = '';
      for (let i = 0; i < 100 && state !== 'Completed'; i++) {
        await new Promise((r) => setTimeout(r, 100));
        state = (okData(await client.getCompactionState({ collectionName: 'ents', compactionID: compaction.compactionID })) as any).state;
      }
      assert.equal(state, 'Completed');
      await check('after a compaction');
    });

    it('deletes by filter and by ids', async () => {
      const byFilter = okData(await client.delete({ collectionName: 'ents', filter: 'age >= 38 and age < 100' })) as any;
      assert.equal(byFilter.deleteCount, 3);
      for (const id of [38, 39, 40]) live.delete(id);
      assert.deepEqual(await idsWhere('id >= 36'), [36, 37]);

      const byIds = okData(await client.delete({ collectionName: 'ents', id: [36, 37] } as any)) as any;
      assert.equal(byIds.deleteCount, 2);
      live.delete(36);
      live.delete(37);
      const byPkFilter = okData(await client.delete({ collectionName: 'ents', filter: 'id in [35]' })) as any;
      assert.equal(byPkFilter.deleteCount, 1);
      live.delete(35);
      assert.deepEqual(await idsWhere('id >= 30'), [30, 31, 32, 33, 34]);
      assert.equal(await count('ents'), live.size);
      const got = okData(await client.get({ collectionName: 'ents', id: [36, 1], outputFields: ['id'], consistencyLevel: 'Strong' } as any));
      assert.deepEqual(got, [{ id: '1' }]);
    });
  });

  describe('reads', () => {
    it('gets rows by id with output fields', async () => {
      const got = okData(await client.get({ collectionName: 'ents', id: [2, 3], outputFields: ['name', 'meta', 'tags', 'color', 'v'], consistencyLevel: 'Strong' } as any));
      const byId = new Map(got.map((r) => [r.id, r]));
      assert.deepEqual(sortedNums(byId.keys()), [2, 3]);
      const r3 = byId.get('3')!;
      assert.equal(r3.name, 'apple_3');
      assert.deepEqual(JSON.parse(r3.meta), rowFor(3).meta);
      assert.deepEqual(r3.tags, rowFor(3).tags.map(String));
      assert.equal(r3.color, 'red');
      // Float32 values come back in their shortest decimal form, which reads back as the same float32.
      assert.deepEqual(r3.v.map(Math.fround), rowFor(3).v);
      assert.deepEqual(Object.keys(r3).sort(), ['color', 'id', 'meta', 'name', 'tags', 'v']);
      // Every field by default.
      const all = okData(await client.get({ collectionName: 'ents', id: 4, consistencyLevel: 'Strong' } as any));
      assert.deepEqual(Object.keys(all[0]).sort(), ['active', 'age', 'cat', 'color', 'id', 'meta', 'name', 'nick', 'score', 'tags', 'v', 'v2']);
      assert.equal(all[0].nick, null);
    });

    it('queries with filter, limit, offset, output fields and count(*)', async () => {
      const page1 = okData(await client.query({ collectionName: 'ents', filter: 'age > 10', outputFields: ['age'], limit: 5, consistencyLevel: 'Strong' }));
      const page2 = okData(await client.query({ collectionName: 'ents', filter: 'age > 10', outputFields: ['age'], limit: 5, offset: 5, consistencyLevel: 'Strong' }));
      assert.equal(page1.length, 5);
      assert.equal(page2.length, 5);
      for (const r of [...page1, ...page2]) {
        assert.deepEqual(Object.keys(r).sort(), ['age', 'id']);
        assert.ok(r.age > 10);
      }
      assert.equal(new Set([...page1, ...page2].map((r) => r.id)).size, 10, 'pages overlap');
      const all = okData(await client.query({ collectionName: 'ents', filter: 'age > 10', outputFields: ['age'], limit: 100, consistencyLevel: 'Strong' }));
      assert.deepEqual(sortedNums(all.map((r) => r.id)), expected((r) => r.age > 10));
      const beyond = okData(await client.query({ collectionName: 'ents', filter: 'age > 10', outputFields: ['age'], limit: 10, offset: 1000, consistencyLevel: 'Strong' }));
      assert.deepEqual(beyond, []);

      assert.deepEqual(
        okData(await client.query({ collectionName: 'ents', filter: 'active == true', outputFields: ['count(*)'], consistencyLevel: 'Strong' })),
        [{ 'count(*)': expected((r) => r.active).length }],
      );
      assert.equal(await count('ents'), live.size);
    });

    const families: Array<[string, string, (r: Row) => boolean, Record<string, unknown>?]> = [
      ['comparison', 'age > 30', (r) => r.age > 30],
      ['comparison on Float', 'score <= 3.5', (r) => r.score <= 3.5],
      ['equality on VarChar', 'name == "banana_4"', (r) => r.name === 'banana_4'],
      ['inequality', 'cat != "a"', (r) => r.cat !== 'a'],
      ['chained range', '5 < age <= 10', (r) => r.age > 5 && r.age <= 10],
      ['reversed chained range', '10 > age >= 5', (r) => r.age < 10 && r.age >= 5],
      ['in', 'id in [1, 2, 3, 99]', (r) => [1, 2, 3].includes(r.id)],
      ['not in', 'age not in [1, 2, 3]', (r) => ![1, 2, 3].includes(r.age)],
      ['like prefix', 'name like "app%"', (r) => r.name.startsWith('app')],
      ['like suffix', 'name like "%_1"', (r) => r.name.endsWith('1')],
      ['like infix with _', 'name like "%an_n%"', (r) => /an.n/.test(r.name)],
      ['and', 'age > 5 and active == true', (r) => r.age > 5 && r.active],
      ['or', 'age < 3 or age > 30', (r) => r.age < 3 || r.age > 30],
      ['not', 'not (age > 5)', (r) => !(r.age > 5)],
      ['symbolic operators', '(age < 4 || age > 32) && !(cat == "b")', (r) => (r.age < 4 || r.age > 32) && r.cat !== 'b'],
      ['upper-case keywords', 'age < 4 OR age > 32 AND NOT active', (r) => r.age < 4 || (r.age > 32 && !r.active)],
      ['arithmetic', 'age * 2 > 10', (r) => r.age * 2 > 10],
      ['arithmetic modulo', 'age % 3 == 0', (r) => r.age % 3 === 0],
      ['arithmetic addition', 'age + 1 == 5', (r) => r.age + 1 === 5],
      ['is null', 'nick is null', (r) => r.nick === undefined || r.nick === null],
      ['is not null', 'nick IS NOT NULL', (r) => r.nick !== undefined && r.nick !== null],
      ['JSON path', 'meta["a"] > 20', (r) => r.meta.a > 20],
      ['JSON path string', 'meta["group"] == "x"', (r) => r.meta.group === 'x'],
      ['JSON array element', 'meta["list"][1] == 8', (r) => r.meta.list[1] === 8],
      ['json_contains', 'json_contains(meta["list"], 7)', (r) => r.meta.list.includes(7)],
      ['json_contains_any', 'json_contains_any(meta["list"], [3, 30])', (r) => r.meta.list.some((x) => x === 3 || x === 30)],
      ['array_contains', 'array_contains(tags, 3)', (r) => r.tags.includes(3)],
      ['array_contains_all', 'array_contains_all(tags, [1, 2])', (r) => r.tags.includes(1) && r.tags.includes(2)],
      ['array_contains_any', 'array_contains_any(tags, [0, 4])', (r) => r.tags.includes(0) || r.tags.includes(4)],
      ['array_length', 'array_length(tags) == 2', (r) => r.tags.length === 2],
      ['array element', 'tags[0] == 2', (r) => r.tags[0] === 2],
      ['template', 'age > {minAge} and cat in {cats}', (r) => r.age > 20 && ['a', 'c'].includes(r.cat), { minAge: 20, cats: ['a', 'c'] }],
      ['dynamic field', 'color == "red"', (r) => r.color === 'red'],
      ['dynamic field through $meta', '$meta["color"] == "blue" and age < 10', (r) => r.color === 'blue' && r.age < 10],
      ['bool field', 'active', (r) => r.active],
    ];
    for (const [family, filter, pred, params] of families) {
      it(`filters: ${family} (${filter})`, async () => {
        const want = expected(pred);
        assert.ok(want.length > 0 || family === 'in', `the data set exercises ${filter}`);
        assert.deepEqual(await idsWhere(filter, params), want);
      });
    }

    it('searches with filter, output fields, limit and offset', async () => {
      const q = vectorFor(3.5, 0);
      const exact = [...live.values()].map((r) => ({ id: r.id, d: l2(r.v, q), r })).sort((a, b) => a.d - b.d);
      const res = await client.search({ collectionName: 'ents', annsField: 'v', data: [q], limit: 10, consistencyLevel: 'Strong' } as any);
      assert.deepEqual(res.topks, [10]);
      const hits = okData(res) as any[];
      assert.deepEqual(hits.map((h) => Number(h.id)), exact.slice(0, 10).map((e) => e.id));
      for (const [i, h] of hits.entries()) {
        assert.deepEqual(Object.keys(h).sort(), ['distance', 'id'], 'only the key and distance without outputFields');
        assert.ok(Math.abs(h.distance - exact[i].d) < 1e-4, `squared L2 distance ${h.distance} vs ${exact[i].d}`);
      }

      const paged = okData(await client.search({ collectionName: 'ents', annsField: 'v', data: [q], limit: 5, offset: 5, consistencyLevel: 'Strong' } as any)) as any[];
      assert.deepEqual(paged.map((h) => Number(h.id)), exact.slice(5, 10).map((e) => e.id));

      const filtered = okData(await client.search({
        collectionName: 'ents', annsField: 'v', data: [q], limit: 5, filter: 'age > 20 and cat == "b"', outputFields: ['age', 'cat', 'meta'],
        searchParams: { params: { ef: 64 } }, consistencyLevel: 'Strong',
      } as any)) as any[];
      const wantFiltered = exact.filter((e) => e.r.age > 20 && e.r.cat === 'b').slice(0, 5);
      assert.deepEqual(filtered.map((h) => Number(h.id)), wantFiltered.map((e) => e.id));
      for (const h of filtered) {
        assert.equal(h.cat, 'b');
        assert.ok(h.age > 20);
        assert.equal(JSON.parse(h.meta).a, h.age);
      }
      const withEf = await client.search({
        collectionName: 'ents', annsField: 'v', data: [q], limit: 5, searchParams: { metricType: 'L2', params: { ef: 100 } }, consistencyLevel: 'Strong',
      } as any);
      assert.deepEqual((okData(withEf) as any[]).map((h) => Number(h.id)), exact.slice(0, 5).map((e) => e.id));
    });

    it('range-searches: every distance lies inside [range_filter, radius)', async () => {
      const q = vectorFor(11.2, 0);
      const dists = [...live.values()].map((r) => l2(r.v, q)).sort((a, b) => a - b);
      const rangeFilter = dists[2] - 1e-3;
      const radius = dists[12] + 1e-3;
      const hits = okData(await client.search({
        collectionName: 'ents', annsField: 'v', data: [q], limit: 50, consistencyLevel: 'Strong',
        searchParams: { params: { radius, range_filter: rangeFilter } },
      } as any)) as any[];
      assert.equal(hits.length, 11, `${hits.length} hits`);
      for (const h of hits) assert.ok(h.distance >= rangeFilter && h.distance < radius, `distance ${h.distance} outside [${rangeFilter}, ${radius})`);
      for (let i = 1; i < hits.length; i++) assert.ok(hits[i - 1].distance <= hits[i].distance);

      // IP: similarities in (radius, range_filter].
      const q2 = vectorFor(7.7, 2);
      const sims = [...live.values()].map((r) => ip(r.v2, q2)).sort((a, b) => b - a);
      const hi = sims[1] + 1e-3;
      const lo = sims[9] - 1e-3;
      const ipHits = okData(await client.search({
        collectionName: 'ents', annsField: 'v2', data: [q2], limit: 50, consistencyLevel: 'Strong',
        searchParams: { params: { radius: lo, range_filter: hi } },
      } as any)) as any[];
      assert.equal(ipHits.length, 9);
      for (const h of ipHits) assert.ok(h.distance > lo && h.distance <= hi, `similarity ${h.distance} outside (${lo}, ${hi}]`);
    });

    it('groups search results', async () => {
      const q = vectorFor(20.1, 0);
      const hits = okData(await client.search({
        collectionName: 'ents', annsField: 'v', data: [q], limit: 3, groupingField: 'cat', groupSize: 2, outputFields: ['cat'], consistencyLevel: 'Strong',
      } as any)) as any[];
      const perGroup = new Map<string, number>();
      for (const h of hits) perGroup.set(h.cat, (perGroup.get(h.cat) ?? 0) + 1);
      assert.deepEqual([...perGroup.keys()].sort(), ['a', 'b', 'c']);
      for (const n of perGroup.values()) assert.equal(n, 2);
      // The first group is the one of the nearest row, and its best hit is that row.
      const nearest = [...live.values()].sort((a, b) => l2(a.v, q) - l2(b.v, q))[0];
      assert.equal(Number(hits[0].id), nearest.id);
      assert.equal(hits[0].cat, nearest.cat);

      // A key of the dynamic field groups too.
      const byColor = okData(await client.search({
        collectionName: 'ents', annsField: 'v', data: [q], limit: 2, groupingField: 'color', groupSize: 3, outputFields: ['color'], consistencyLevel: 'Strong',
      } as any)) as any[];
      assert.equal(byColor.length, 6, JSON.stringify(byColor));
      assert.deepEqual(byColor.map((h) => h.color).sort(), ['blue', 'blue', 'blue', 'red', 'red', 'red']);
      for (const h of byColor) assert.equal(h.color, live.get(Number(h.id))!.color);

      const rangeAndGroup = await client.search({
        collectionName: 'ents', annsField: 'v', data: [q], limit: 2, groupingField: 'cat', searchParams: { params: { radius: 10 } },
      } as any);
      assert.equal(rangeAndGroup.code, 1100, JSON.stringify(rangeAndGroup));
      const onVector = await client.search({ collectionName: 'ents', annsField: 'v', data: [q], limit: 2, groupingField: 'v2' } as any);
      assert.equal(onVector.code, 1100, JSON.stringify(onVector));
    });

    it('searches several query vectors at once', async () => {
      const qs = [vectorFor(2.2, 0), vectorFor(17.9, 0)];
      const res = await client.search({ collectionName: 'ents', annsField: 'v', data: qs, limit: 4, consistencyLevel: 'Strong' } as any);
      assert.equal(res.code, 0, JSON.stringify(res));
      assert.deepEqual(res.topks, [4, 4]);
      const groups = res.data as any[][];
      assert.equal(groups.length, 2);
      for (const [i, q] of qs.entries()) {
        const want = [...live.values()].sort((a, b) => l2(a.v, q) - l2(b.v, q)).slice(0, 4).map((r) => r.id);
        assert.deepEqual(groups[i].map((h) => Number(h.id)), want, `query ${i}`);
      }
    });

    it('hybrid-searches with rrf and weighted rerankers', async () => {
      const q1 = vectorFor(8.3, 0);
      const q2 = vectorFor(8.3, 2);
      const sub = async (field: string, q: number[]) =>
        okData(await client.search({ collectionName: 'ents', annsField: field, data: [q], limit: 10, consistencyLevel: 'Strong' } as any)) as any[];
      const [a, b] = [await sub('v', q1), await sub('v2', q2)];
      const search = [
        { data: [q1], annsField: 'v', limit: 10, metricType: 'L2' },
        { data: [q2], annsField: 'v2', limit: 10 },
      ];

      const rrf = okData(await client.hybridSearch({
        collectionName: 'ents', search, rerank: { strategy: 'rrf', params: { k: 60 } }, limit: 5, outputFields: ['name'], consistencyLevel: 'Strong',
      } as any)) as any[];
      const rrfScores = new Map<string, number>();
      for (const list of [a, b]) list.forEach((h, rank) => rrfScores.set(h.id, (rrfScores.get(h.id) ?? 0) + 1 / (60 + rank + 1)));
      const wantRrf = [...rrfScores].sort((x, y) => y[1] - x[1]).slice(0, 5);
      assert.equal(rrf.length, 5);
      assert.deepEqual(rrf.map((h) => h.distance.toFixed(6)), wantRrf.map(([, s]) => s.toFixed(6)));
      for (const h of rrf) assert.equal(h.name, live.get(Number(h.id))!.name);

      const weighted = okData(await client.hybridSearch({
        collectionName: 'ents', search, rerank: { strategy: 'weighted', params: { weights: [0.8, 0.2] } }, limit: 5, consistencyLevel: 'Strong',
      } as any)) as any[];
      const wScores = new Map<string, number>();
      a.forEach((h) => wScores.set(h.id, (wScores.get(h.id) ?? 0) + 0.8 * (1 - (2 * Math.atan(h.distance)) / Math.PI)));
      b.forEach((h) => wScores.set(h.id, (wScores.get(h.id) ?? 0) + 0.2 * (0.5 + Math.atan(h.distance) / Math.PI)));
      const wantW = [...wScores].sort((x, y) => y[1] - x[1]).slice(0, 5);
      assert.deepEqual(weighted.map((h) => h.id), wantW.map(([id]) => id));
      for (const [i, h] of weighted.entries()) assert.ok(Math.abs(h.distance - wantW[i][1]) < 1e-4);
    });

    it('answers 1100 when one sub-search fails at once and another later, and keeps serving', async () => {
      // The first sub-search fails while its plan is built (unknown field), the second while its
      // filter is compiled; both failures must end in one answer, never an unhandled rejection.
      const res = await milvus(server.url, 'entities/hybrid_search', {
        collectionName: 'ents',
        search: [
          { data: [vectorFor(1, 0)], annsField: 'no_such_field' },
          { data: [vectorFor(1, 2)], annsField: 'v2', filter: 'age >' },
        ],
      });
      assert.equal(res.code, 1100, JSON.stringify(res));
      const health = await fetch(`${server.url}/healthz`);
      assert.equal(health.status, 200);
      assert.equal(server.child.exitCode, null);
    });
  });

  describe('consistency and encoding', () => {
    it('Strong sees a write at once, Session sees its own write, Eventually answers', async () => {
      for (const [id, level] of [[1001, 'Strong'], [1002, 'Session']] as const) {
        okData(await client.insert({ collectionName: 'ents', data: [{ ...rowFor(id), id } as any] }));
        const rows = okData(await client.query({ collectionName: 'ents', filter: `id == ${id}`, outputFields: ['id'], consistencyLevel: level }));
        assert.deepEqual(rows, [{ id: String(id) }], level);
        const hits = okData(await client.search({
          collectionName: 'ents', annsField: 'v', data: [rowFor(id).v], limit: 1, consistencyLevel: level,
        } as any)) as any[];
        assert.equal(hits[0].id, String(id), level);
        live.set(id, rowFor(id));
      }
      okData(await client.insert({ collectionName: 'ents', data: [rowFor(1003) as any] }));
      live.set(1003, rowFor(1003));
      const eventually = await client.query({ collectionName: 'ents', filter: 'id == 1003', outputFields: ['id'], consistencyLevel: 'Eventually' });
      assert.equal(eventually.code, 0, JSON.stringify(eventually));
      assert.ok(eventually.data.length <= 1);
      const bad = await client.query({ collectionName: 'ents', filter: 'id == 1003', outputFields: ['id'], consistencyLevel: 'Sometimes' });
      assert.equal(bad.code, 1100, JSON.stringify(bad));
    });

    it('sends Int64 values as strings unless Accept-Type-Allow-Int64 is true', async () => {
      const insert = (headers: Record<string, string>, id: number) =>
        milvus(server.url, 'entities/insert', { collectionName: 'ents', data: [rowFor(id)] }, headers);
      const asStrings = await insert({}, 2001);
      assert.deepEqual(asStrings.data.insertIds, ['2001']);
      const asNumbers = await insert({ 'Accept-Type-Allow-Int64': 'true' }, 2002);
      assert.deepEqual(asNumbers.data.insertIds, [2002]);
      live.set(2001, rowFor(2001));
      live.set(2002, rowFor(2002));

      const query = (headers: Record<string, string>) =>
        milvus(server.url, 'entities/query', {
          collectionName: 'ents', filter: 'id in [2001, 2002]', outputFields: ['tags', 'age'], consistencyLevel: 'Strong',
        }, headers);
      const s = await query({});
      assert.deepEqual(s.data.map((r: any) => r.id).sort(), ['2001', '2002']);
      assert.ok(s.data.every((r: any) => typeof r.age === 'number' && r.tags.every((t: unknown) => typeof t === 'string')));
      const n = await query({ 'Accept-Type-Allow-Int64': 'true' });
      assert.deepEqual(n.data.map((r: any) => r.id).sort(), [2001, 2002]);
      assert.ok(n.data.every((r: any) => r.tags.every((t: unknown) => typeof t === 'number')));
      const f = await query({ 'Accept-Type-Allow-Int64': 'false' });
      assert.deepEqual(f.data.map((r: any) => r.id).sort(), ['2001', '2002']);

      const search = await milvus(server.url, 'entities/search', {
        collectionName: 'ents', annsField: 'v', data: [rowFor(2002).v], limit: 1, consistencyLevel: 'Strong',
      }, { 'Accept-Type-Allow-Int64': 'true' });
      assert.deepEqual(search.data.map((h: any) => h.id), [2002]);
      const upsert = await milvus(server.url, 'entities/upsert', { collectionName: 'ents', data: [rowFor(2002)] }, { 'Accept-Type-Allow-Int64': 'true' });
      assert.deepEqual(upsert.data.upsertIds, [2002]);
    });

    it('stores and searches binary vectors with HAMMING', async () => {
      okData(await client.createCollection({
        collectionName: 'bin',
        schema: {
          fields: [
            { fieldName: 'id', dataType: 'Int64', isPrimary: true },
            { fieldName: 'bv', dataType: 'BinaryVector', elementTypeParams: { dim: 16 } },
          ],
        },
        indexParams: [{ fieldName: 'bv', indexName: 'bv', metricType: 'HAMMING', params: { index_type: 'BIN_FLAT' } }],
      }));
      const bytes: Array<[number, number]> = [[0x00, 0x00], [0xff, 0x00], [0x0f, 0x0f], [0xff, 0xff], [0x01, 0x00]];
      okData(await client.insert({
        collectionName: 'bin',
        // Byte arrays and base64 of the raw bytes are both accepted.
        data: bytes.map((b, i) => ({ id: i, bv: i % 2 === 0 ? b : Buffer.from(b).toString('base64') })),
      }));
      const hits = okData(await client.search({
        collectionName: 'bin', data: [[0xff, 0x00]], limit: 5, outputFields: ['bv'], consistencyLevel: 'Strong',
      } as any)) as any[];
      const popcount = (x: number) => x.toString(2).replace(/0/g, '').length;
      const want = bytes
        .map((b, id) => ({ id, d: popcount(b[0] ^ 0xff) + popcount(b[1] ^ 0x00) }))
        .sort((x, y) => x.d - y.d || x.id - y.id);
      assert.deepEqual(hits.map((h) => h.distance), want.map((w) => w.d));
      assert.equal(hits[0].id, '1');
      assert.equal(hits[0].bv, Buffer.from([0xff, 0x00]).toString('base64'));
      const wrong = await client.insert({ collectionName: 'bin', data: [{ id: 9, bv: [1, 2, 3] }] });
      assert.equal(wrong.code, 1804, JSON.stringify(wrong));
      // Without a dynamic field, grouping by a name outside the schema is Milvus's 1700.
      const noField = await client.search({ collectionName: 'bin', data: [[0xff, 0x00]], limit: 2, groupingField: 'nope' } as any);
      assert.equal(noField.code, 1700, JSON.stringify(noField));
    });

    it('stores and searches Float16 vectors', async () => {
      okData(await client.createCollection({
        collectionName: 'f16',
        schema: {
          fields: [
            { fieldName: 'id', dataType: 'Int64', isPrimary: true },
            { fieldName: 'hv', dataType: 'Float16Vector', elementTypeParams: { dim: 4 } },
          ],
        },
        indexParams: [{ fieldName: 'hv', indexName: 'hv', metricType: 'L2', params: { index_type: 'HNSW' } }],
      }));
      const halfBytes = (xs: number[]) => {
        const b = Buffer.alloc(xs.length * 2);
        xs.forEach((x, i) => b.writeUInt16LE(toHalf(x), i * 2));
        return b;
      };
      const vectors = [[0.5, 0.25, -1, 2], [1, 1, 1, 1], [-0.5, 0, 0.125, 3]];
      okData(await client.insert({
        collectionName: 'f16',
        data: [
          { id: 1, hv: vectors[0] },
          { id: 2, hv: vectors[1] },
          { id: 3, hv: halfBytes(vectors[2]).toString('base64') },
        ],
      }));
      const hits = okData(await client.search({
        collectionName: 'f16', data: [[-0.5, 0, 0.125, 2.5]], limit: 3, outputFields: ['hv'], consistencyLevel: 'Strong',
      } as any)) as any[];
      assert.deepEqual(hits.map((h) => h.id), ['3', '1', '2']);
      assert.ok(Math.abs(hits[0].distance - 0.25) < 1e-6, `distance ${hits[0].distance}`);
      assert.equal(hits[0].hv, halfBytes(vectors[2]).toString('base64'));
      const got = okData(await client.get({ collectionName: 'f16', id: 1, outputFields: ['hv'], consistencyLevel: 'Strong' } as any));
      assert.equal(got[0].hv, halfBytes(vectors[0]).toString('base64'));
    });

    it('takes float vectors as base64 of little-endian float32 in inserts and searches', async () => {
      okData(await client.createCollection({ collectionName: 'f32b64', dimension: 4, metricType: 'L2' } as any));
      const f32 = (xs: number[]) => Buffer.from(new Float32Array(xs).buffer).toString('base64');
      const vectors = [[0.5, 0.25, -1, 2], [1, 1, 1, 1], [-0.5, 0, 0.125, 3]];
      okData(await client.insert({
        collectionName: 'f32b64',
        data: [{ id: 1, vector: f32(vectors[0]) }, { id: 2, vector: vectors[1] }, { id: 3, vector: f32(vectors[2]) }],
      }));
      const byNumbers = okData(await client.search({
        collectionName: 'f32b64', data: [[-0.5, 0, 0.125, 2.5]], limit: 3, outputFields: ['vector'], consistencyLevel: 'Strong',
      } as any)) as any[];
      const byBase64 = okData(await client.search({
        collectionName: 'f32b64', data: [f32([-0.5, 0, 0.125, 2.5])], limit: 3, consistencyLevel: 'Strong',
      } as any)) as any[];
      assert.deepEqual(byNumbers.map((h) => h.id), ['3', '1', '2']);
      assert.deepEqual(byBase64.map((h) => [h.id, h.distance]), byNumbers.map((h) => [h.id, h.distance]));
      assert.deepEqual(byNumbers[0].vector, vectors[2], 'stored vectors come back as numbers');
      const wrong = await client.insert({ collectionName: 'f32b64', data: [{ id: 4, vector: f32([1, 2, 3]) }] });
      assert.equal(wrong.code, 1804, JSON.stringify(wrong));
      assert.match(String(wrong.message), /expected 16 bytes \(dim 4\)/);
    });
  });

  describe('bad input writes nothing', () => {
    const base = (id: number) => ({ ...rowFor(id), id });
    const cases: Array<[string, (r: Row) => Record<string, unknown>]> = [
      ['a NaN spelled as a string in a vector', (r) => ({ ...r, v: [...r.v.slice(0, DIM - 1), 'NaN'] })],
      ['a NaN spelled as a string in a Float field', (r) => ({ ...r, score: 'NaN' })],
      ['a vector of the wrong dimension', (r) => ({ ...r, v: r.v.slice(0, DIM - 1) })],
      ['a VarChar longer than max_length', (r) => ({ ...r, name: 'x'.repeat(33) })],
      ['a value of the wrong type', (r) => ({ ...r, age: 'old' })],
      ['an Int32 out of range', (r) => ({ ...r, age: 2 ** 31 })],
      ['an array over max_capacity', (r) => ({ ...r, tags: Array.from({ length: 9 }, (_, k) => k) })],
      ['a missing vector', (r) => ({ ...r, v: undefined })],
      ['a null in a non-nullable field', (r) => ({ ...r, cat: null })],
    ];
    for (const [i, [what, spoil]] of cases.entries()) {
      it(`rejects a batch with ${what}`, async () => {
        const first = 5000 + i * 10;
        const batch: Record<string, unknown>[] = [0, 1, 2, 3].map((k) => base(first + k));
        batch[2] = spoil(batch[2] as unknown as Row);
        const res = await client.insert({ collectionName: 'ents', data: batch });
        assert.ok([1100, 1804].includes(res.code), `code for ${what}: ${JSON.stringify(res)}`);
        assert.equal(await count('ents', `id >= ${first} and id < ${first + 10}`), 0, `rows of a rejected batch (${what}) were written`);
        const up = await client.upsert({ collectionName: 'ents', data: batch });
        assert.ok([1100, 1804].includes(up.code), `upsert code for ${what}: ${JSON.stringify(up)}`);
        assert.equal(await count('ents', `id >= ${first} and id < ${first + 10}`), 0);
      });
    }

    it('rejects a bad filter with 1100 and the position of the error', async () => {
      const res = await client.query({ collectionName: 'ents', filter: 'age >> 5 and', outputFields: ['id'] });
      assert.equal(res.code, 1100, JSON.stringify(res));
      assert.match(res.message ?? '', /failed to create query plan/);
      assert.match(res.message ?? '', /1:\d+/, 'the message names the position');
      for (const filter of ['age >', 'unknown_fn(age)', 'name like 5', 'age in [1, 2', '"a" == "b" +']) {
        const r = await client.query({ collectionName: 'ents', filter, outputFields: ['id'] });
        assert.equal(r.code, 1100, `${filter}: ${JSON.stringify(r)}`);
      }
      const s = await client.search({ collectionName: 'ents', annsField: 'v', data: [vectorFor(1, 0)], filter: 'age >', outputFields: [] } as any);
      assert.equal(s.code, 1100, JSON.stringify(s));
      const d = await client.delete({ collectionName: 'ents', filter: 'age >' });
      assert.equal(d.code, 1100, JSON.stringify(d));
      assert.equal(await count('ents'), live.size);
    });

    it('answers 1801 for a value of the wrong JSON type and 1802 for a missing one', async () => {
      const wrongType = await client.query({ collectionName: 'ents', filter: 'id > 0', outputFields: ['id'], limit: '5' as any });
      assert.equal(wrongType.code, 1801, JSON.stringify(wrongType));
      const wrongLevel = await client.search({ collectionName: 'ents', annsField: 'v', data: [vectorFor(1, 0)], consistencyLevel: 5 } as any);
      assert.equal(wrongLevel.code, 1801, JSON.stringify(wrongLevel));
      const missing = await client.query({ filter: 'id > 0', outputFields: ['id'] } as any);
      assert.equal(missing.code, 1802, JSON.stringify(missing));
      const missingData = await client.insert({ collectionName: 'ents' } as any);
      assert.equal(missingData.code, 1802, JSON.stringify(missingData));
    });

    it('rejects limit 0 and 16385', async () => {
      for (const limit of [0, 16385]) {
        const q = await client.query({ collectionName: 'ents', filter: 'id > 0', outputFields: ['id'], limit });
        assert.equal(q.code, 1100, `query limit ${limit}: ${JSON.stringify(q)}`);
        const s = await client.search({ collectionName: 'ents', annsField: 'v', data: [vectorFor(1, 0)], limit, outputFields: [] } as any);
        assert.equal(s.code, 1100, `search limit ${limit}: ${JSON.stringify(s)}`);
      }
      const window = await client.query({ collectionName: 'ents', filter: 'id > 0', outputFields: ['id'], limit: 10000, offset: 10000 });
      assert.equal(window.code, 1100, JSON.stringify(window));
    });
  });
});

describe('request body limit', () => {
  let dir = '';
  let server: StandaloneProcess;
  let client: HttpClient;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'quiver-sdk-limit-'));
    server = await startStandaloneProcess(dir, { QUIVER_MAX_BODY_BYTES: '2000' });
    client = new HttpClient({ endpoint: server.url });
    okData(await client.createCollection({ collectionName: 'small', dimension: 4, metricType: 'L2' }));
  });
  after(async () => {
    await server?.kill();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('refuses a body over the limit with a clear error and keeps serving', async () => {
    const big = Array.from({ length: 100 }, (_, i) => ({ id: i, vector: [i, i + 0.5, i + 0.25, i + 0.125], note: 'padding' }));
    assert.ok(JSON.stringify(big).length > 2000);
    let error: unknown = null;
    let answer: { code: number; message?: string } | null = null;
    try {
      answer = await client.insert({ collectionName: 'small', data: big });
    } catch (err) {
      error = err;
    }
    if (error) {
      assert.equal((error as { status?: number }).status, 413, String(error));
      assert.match(String((error as Error).message), /too large|2000/);
    } else {
      assert.notEqual(answer!.code, 0, JSON.stringify(answer));
      assert.match(answer!.message ?? '', /too large|2000/);
    }
    // The same through a plain fetch: 413 with a Milvus error envelope.
    const res = await fetch(`${server.url}/v2/vectordb/entities/insert`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ collectionName: 'small', data: big }),
    });
    assert.equal(res.status, 413);
    const body = (await res.json()) as { code: number; message: string };
    assert.notEqual(body.code, 0);
    assert.match(body.message, /2000/);

    // Chunked, without Content-Length: cut off at the limit while streaming.
    const chunked = await postChunked(`${server.url}/v2/vectordb/entities/insert`, JSON.stringify({ collectionName: 'small', data: big }), 500);
    assert.equal(chunked.status, 413);
    assert.match(chunked.body, /too large.*2000/);
    // A chunked body within the limit is read whole.
    const small = await postChunked(`${server.url}/v2/vectordb/entities/insert`, JSON.stringify({ collectionName: 'small', data: [{ id: 2000, vector: [1, 2, 3, 4] }] }), 7);
    assert.equal(small.status, 200);
    assert.equal((JSON.parse(small.body) as { code: number }).code, 0, small.body);

    okData(await client.insert({ collectionName: 'small', data: [{ id: 1000, vector: [1, 2, 3, 4] }] }));
    const rows = okData(await client.query({ collectionName: 'small', filter: '', outputFields: ['count(*)'], consistencyLevel: 'Strong' }));
    assert.deepEqual(rows, [{ 'count(*)': 2 }], 'nothing of the refused bodies was written');
  });
});

/** POSTs `body` with Transfer-Encoding: chunked in pieces of `piece` characters. */
function postChunked(url: string, body: string, piece: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    // The server may answer 413 and close before the whole body went out.
    req.on('error', (err) => reject(err));
    for (let i = 0; i < body.length; i += piece) req.write(body.slice(i, i + piece));
    req.end();
  });
}

/** float32 → IEEE half bits, round to nearest even (enough for the test's exact values). */
function toHalf(x: number): number {
  const f = new Float32Array([x]);
  const u = new Uint32Array(f.buffer)[0];
  const sign = (u >>> 16) & 0x8000;
  const exp = ((u >>> 23) & 0xff) - 127 + 15;
  const mant = u & 0x7fffff;
  if (x === 0) return sign;
  return sign | (exp << 10) | (mant >>> 13);
}
