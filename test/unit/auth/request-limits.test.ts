/**
 * Request limits: body nesting, string lengths in management requests, rows per write, filter
 * length, JSON field size and nesting, index names and vector dimensions. Each answers a Milvus
 * error and writes nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { checkRequestBody, type RequestLimits } from '../../../src/proxy/auth/request-limits.ts';
import { ErrorCode, QuiverError } from '../../../src/shared/errors.ts';
import { compileFilter, FilterCache } from '../../../src/shared/filter/index.ts';
import { buildIndexSpecs } from '../../../src/shared/schema/index-spec.ts';
import { jsonShapeProblem, oversizedJson, utf8Length } from '../../../src/shared/schema/json-limits.ts';
import { validateRows } from '../../../src/shared/schema/rows.ts';
import { COLLECTION } from '../filter/fixtures.ts';
import { PK, VEC4, assertQuiverError, collectionFrom, customCollection } from '../schema/fixtures.ts';
import { openAuthHarness, type AuthHarness } from './auth-harness.ts';

const LIMITS: RequestLimits = { maxJsonDepth: 8, maxStringLength: 300, maxRowsPerRequest: 3 };
/** Arrays nested `depth` levels deep, built without recursion. */
function nested(depth: number): unknown {
  let v: unknown = [];
  for (let i = 1; i < depth; i++) v = [v];
  return v;
}
const check = (path: string, body: unknown) => () => checkRequestBody(`/v2/vectordb/${path}`, body, LIMITS);

describe('body limits', () => {
  it('measures nesting with the body as level 1', () => {
    assert.equal(jsonShapeProblem({ a: nested(7) }, { maxDepth: 8 }), null);
    assert.deepEqual(jsonShapeProblem({ a: nested(8) }, { maxDepth: 8 }), { kind: 'depth', maxDepth: 8 });
    assert.equal(jsonShapeProblem([1, 2, 'x'], { maxDepth: 1 }), null);
    assert.doesNotThrow(() => jsonShapeProblem(nested(100_000), { maxDepth: 64 }), 'never recurses past the limit');
  });
  it('refuses deep bodies on every endpoint', () => {
    assertQuiverError(check('entities/insert', { collectionName: 'c', data: [{ j: nested(8) }] }), 1100, 'deeper than 8 levels');
    assertQuiverError(check('collections/describe', { collectionName: 'c', x: nested(8) }), 1100, 'deeper than 8 levels');
    check('entities/search', { collectionName: 'c', data: [[1, 2, 3]] })();
  });
  it('limits strings and keys in management requests only', () => {
    assertQuiverError(check('collections/create', { collectionName: 'c', description: 'x'.repeat(301) }), 1100, '301 characters long, the limit is 300');
    assertQuiverError(check('databases/create', { dbName: 'd', properties: { ['k'.repeat(301)]: 'v' } }), 1100, 'the limit is 300');
    check('entities/insert', { collectionName: 'c', data: [{ s: 'x'.repeat(1000) }] })();
  });
  it('limits rows per insert and upsert', () => {
    const rows = (n: number) => ({ collectionName: 'c', data: Array.from({ length: n }, (_, i) => ({ id: i })) });
    check('entities/insert', rows(3))();
    assertQuiverError(check('entities/insert', rows(4)), 1100, 'too many rows in one request: 4, the limit is 3');
    assertQuiverError(check('entities/upsert', rows(4)), 1100, 'too many rows');
    check('entities/delete', rows(4))();
  });
});

describe('limits enforced by the schema and filter modules', () => {
  it('refuses filters over the length limit without parsing them', () => {
    const long = `uid in [${Array.from({ length: 400 }, (_, i) => i).join(',')}]`;
    assert.doesNotThrow(() => compileFilter(long, COLLECTION));
    assertQuiverError(() => compileFilter(long, COLLECTION, undefined, 100), 1100, 'the limit is 100', 'failed to create query plan');
    const cache = new FilterCache({ maxFilterLength: 100 });
    assertQuiverError(() => cache.compile(long, COLLECTION), 1100, 'the limit is 100');
    assertQuiverError(() => compileFilter('('.repeat(300) + 'uid > 1' + ')'.repeat(300), COLLECTION), 1100, 'nesting depth');
  });
  it('refuses JSON and dynamic values over 64 KiB, and deeply nested JSON text', () => {
    const c = customCollection([PK, VEC4, { fieldName: 'j', dataType: 'JSON' }], { enableDynamicField: true });
    const row = (extra: Record<string, unknown>) => ({ id: 1, vec: [1, 2, 3, 4], j: {}, ...extra });
    const opts = { partitionId: 1, mode: 'insert' as const };
    validateRows(c, [row({ j: { s: 'x'.repeat(60_000) } })], opts);
    assertQuiverError(() => validateRows(c, [row({}), row({ j: { s: 'x'.repeat(70_000) } })], opts), 1100, 'row 1', 'json field (j) exceeds max length (65536)');
    assertQuiverError(() => validateRows(c, [row({ j: { s: 'é'.repeat(40_000) } })], opts), 1100, 'exceeds max length');
    assertQuiverError(() => validateRows(c, [row({ extra: 'x'.repeat(70_000) })], opts), 1100, 'dynamic field exceeds max length');
    const deepText = '['.repeat(100) + ']'.repeat(100);
    assertQuiverError(() => validateRows(c, [row({ j: deepText })], opts), ErrorCode.InvalidInsertData, 'deeper than 64 levels');
  });
  it('counts UTF-8 bytes', () => {
    assert.equal(utf8Length('aé€😀'), 1 + 2 + 3 + 4);
    assert.equal(oversizedJson('x'.repeat(10)), null);
    assert.equal(oversizedJson({ a: 'é'.repeat(40_000) }), 80_008);
  });
  it('keeps index names within 255 characters and dimensions within 32768', () => {
    const c = collectionFrom({ collectionName: 'c', dimension: 4 });
    const vectorField = c.fields.find((f) => f.dataType === 'FloatVector')!;
    assertQuiverError(
      () => buildIndexSpecs(c.fields, [{ fieldName: vectorField.name, indexName: 'i'.repeat(256), metricType: 'L2' }], []),
      1100, 'index name',
    );
    assertQuiverError(() => collectionFrom({ collectionName: 'c', dimension: 32769 }), 1100, 'invalid dimension: 32769', '2 ~ 32768');
    assert.doesNotThrow(() => collectionFrom({ collectionName: 'c', dimension: 32768 }));
  });
});

describe('limits through the app: nothing is written', () => {
  let h: AuthHarness;
  before(async () => {
    h = await openAuthHarness({ authEnabled: false, limits: LIMITS });
  });
  after(async () => h.close());

  it('answers 1100 for a management string over the limit and creates nothing', async () => {
    const res = await h.call('collections/create', { collectionName: 'c', dimension: 4, description: 'd'.repeat(301) });
    assert.equal(res.json.code, 1100);
    assert.deepEqual((await h.call('collections/list', {})).json.data, []);
  });

  it('answers 1100 for too many rows and appends nothing to the log', async () => {
    assert.equal((await h.call('collections/create', { collectionName: 'c', dimension: 2 })).json.code, 0);
    const topic = (await h.base.services.catalog.findCollection('default', 'c'))!.topic;
    const before = await h.base.services.log.latestOffset({ topic, partition: 0 });
    const data = Array.from({ length: 4 }, (_, i) => ({ id: i, vector: [1, i] }));
    const res = await h.call('entities/insert', { collectionName: 'c', data });
    assert.equal(res.json.code, 1100);
    assert.equal(await h.base.services.log.latestOffset({ topic, partition: 0 }), before);
    assert.equal((await h.call('entities/insert', { collectionName: 'c', data: data.slice(0, 3) })).json.data.insertCount, 3);
  });

  it('answers 1100 for a body nested too deeply', async () => {
    const res = await h.call('collections/has', { collectionName: 'c', x: nested(10) });
    assert.equal(res.json.code, 1100);
    assert.ok(res.json.message.includes('deeper than 8 levels'));
  });

  it('leaves QuiverError the only error type', () => {
    assert.throws(check('entities/insert', { data: Array(4).fill({}) }), QuiverError);
  });
});
