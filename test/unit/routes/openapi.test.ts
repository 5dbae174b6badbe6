/**
 * The OpenAPI document: one POST operation per route with the body schema generated from the
 * route's zod schema, the Milvus envelope and the error statuses, served by the app at
 * GET /v2/openapi.json.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { newApp } from '../../../src/proxy/app.ts';
import { OPENAPI_PATH, openApiDocument } from '../../../src/proxy/openapi.ts';
import { defineRoute, ok } from '../../../src/proxy/route.ts';
import { allRoutes } from '../../../src/proxy/routes/index.ts';
import type { ProxyServices } from '../../../src/proxy/services.ts';

/** Enough services for requests that never reach a handler (the document, 404s). */
const noServices = { coordinator: {}, now: () => Date.now() } as unknown as ProxyServices;

describe('OpenAPI document', () => {
  const doc = openApiDocument() as any;

  it('is OpenAPI 3.1 with one POST operation per route', () => {
    assert.equal(doc.openapi, '3.1.0');
    assert.deepEqual(Object.keys(doc.paths).sort(), allRoutes.map((r) => r.path).sort());
    const ids = new Set<string>();
    for (const [path, item] of Object.entries<any>(doc.paths)) {
      assert.deepEqual(Object.keys(item), ['post'], path);
      assert.ok(!ids.has(item.post.operationId), `duplicate operationId ${item.post.operationId}`);
      ids.add(item.post.operationId);
      assert.equal(item.post.requestBody.required, true);
      const schema = item.post.requestBody.content['application/json'].schema;
      assert.equal(schema.type, 'object', path);
      assert.equal(schema.$schema, undefined, 'no $schema inside an OpenAPI document');
    }
  });

  it('derives body schemas from the zod schemas that validate them', () => {
    const create = doc.paths['/v2/vectordb/collections/create'].post.requestBody.content['application/json'].schema;
    assert.ok(create.properties.collectionName);
    assert.ok(create.properties.schema);
    const search = doc.paths['/v2/vectordb/entities/search'].post.requestBody.content['application/json'].schema;
    assert.deepEqual(search.required, ['collectionName']);
    assert.equal(search.properties.collectionName.type, 'string');
    assert.equal(search.properties.groupSize.type, 'integer');
  });

  it('documents the envelope and the statuses the app answers', () => {
    const responses = doc.paths['/v2/vectordb/entities/insert'].post.responses;
    assert.deepEqual(Object.keys(responses).sort(), ['200', '401', '403', '408', '413', '503']);
    assert.equal(responses['200'].content['application/json'].schema.$ref, '#/components/schemas/MilvusEnvelope');
    const envelope = doc.components.schemas.MilvusEnvelope;
    assert.deepEqual(envelope.required, ['code']);
    assert.ok(envelope.properties.data && envelope.properties.message);
    assert.deepEqual(doc.components.schemas.MilvusError.required, ['code', 'message']);
  });

  it('describes the routes it is given', () => {
    const only = defineRoute({ path: '/v2/vectordb/things/poke', body: z.object({ n: z.number().int().min(1) }), handle: async () => ok() });
    const small = openApiDocument([only], { version: '9', servers: ['http://127.0.0.1:19530'] }) as any;
    assert.deepEqual(Object.keys(small.paths), ['/v2/vectordb/things/poke']);
    assert.equal(small.paths['/v2/vectordb/things/poke'].post.operationId, 'things_poke');
    assert.deepEqual(small.tags, [{ name: 'things' }]);
    assert.equal(small.info.version, '9');
    assert.deepEqual(small.servers, [{ url: 'http://127.0.0.1:19530' }]);
    const n = small.paths['/v2/vectordb/things/poke'].post.requestBody.content['application/json'].schema.properties.n;
    assert.equal(n.type, 'integer');
    assert.equal(n.minimum, 1);
  });

  it('is served by the app at GET /v2/openapi.json', async () => {
    const app = newApp(noServices);
    const res = await app.request(OPENAPI_PATH);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /application\/json/);
    assert.deepEqual(await res.json(), JSON.parse(JSON.stringify(doc)));
    // Everything else keeps answering as before.
    assert.equal((await app.request('/v2/nothing-here')).status, 404);
  });
});
