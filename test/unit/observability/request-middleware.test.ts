/**
 * The request middleware: request ids (kept when sane, generated otherwise, echoed, on every log
 * line of the request), route-pattern labels and Milvus codes in the request metrics, and the
 * pino logger behind it (JSON lines, secrets redacted).
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { Hono } from 'hono';
import { QuiverError } from '../../../src/shared/errors.ts';
import type { Logger } from '../../../src/shared/logger.ts';
import { milvusCode, observeRequests, requestIdFor } from '../../../src/shared/observability/http-middleware.ts';
import type { HttpRequestSample } from '../../../src/shared/observability/metrics.ts';
import { pinoLogger } from '../../../src/shared/observability/pino-logger.ts';

function captured(): { logger: Logger; lines: () => Array<Record<string, unknown>> } {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  const logger = pinoLogger({ component: 'test', destination });
  return { logger, lines: () => chunks.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l)) };
}

function appWith(logger: Logger, samples: HttpRequestSample[], logRequests = false): Hono {
  const app = new Hono();
  let n = 0;
  app.use('*', observeRequests({ logger, metrics: { httpRequest: (s) => samples.push(s) }, logRequests, newId: () => `gen-${++n}` }));
  app.post('/v2/vectordb/things/:name/get', async (c) => {
    // Logged from a later turn of the event loop: the request id must still be attached.
    await new Promise((r) => setTimeout(r, 5));
    logger.info('handling', { name: c.req.param('name') });
    return c.json({ code: 0, data: {} });
  });
  app.post('/v2/vectordb/fails', () => {
    throw new QuiverError(100, 'collection not found');
  });
  app.post('/v2/vectordb/crashes', () => {
    throw new Error('boom');
  });
  app.onError((err, c) => (err instanceof QuiverError ? c.json({ code: err.code }, 200) : c.json({ code: 65535 }, 500)));
  app.notFound((c) => c.text('404 page not found', 404));
  return app;
}

describe('request ids', () => {
  it('keeps a sane incoming id and replaces anything else', () => {
    const gen = () => 'new';
    assert.equal(requestIdFor('abc-123_x.y:z', gen), 'abc-123_x.y:z');
    assert.equal(requestIdFor(undefined, gen), 'new');
    assert.equal(requestIdFor('', gen), 'new');
    assert.equal(requestIdFor('has space', gen), 'new');
    assert.equal(requestIdFor('line\nbreak', gen), 'new');
    assert.equal(requestIdFor('x'.repeat(129), gen), 'new');
  });

  it('echoes the id and tags every log line of the request with it', async () => {
    const { logger, lines } = captured();
    const app = appWith(logger, [], true);
    const given = await app.request('/v2/vectordb/things/a/get', { method: 'POST', headers: { 'X-Request-Id': 'client-7' } });
    assert.equal(given.headers.get('x-request-id'), 'client-7');
    const made = await app.request('/v2/vectordb/things/b/get', { method: 'POST', headers: { 'X-Request-Id': 'bad id' } });
    assert.equal(made.headers.get('x-request-id'), 'gen-1');
    const logged = lines();
    const handling = logged.filter((l) => l.msg === 'handling');
    assert.deepEqual(handling.map((l) => [l.name, l.requestId]), [['a', 'client-7'], ['b', 'gen-1']]);
    const access = logged.filter((l) => l.msg === 'request');
    assert.deepEqual(access.map((l) => l.requestId), ['client-7', 'gen-1']);
    assert.equal(access[0].route, '/v2/vectordb/things/:name/get');
    // Outside any request no id is attached.
    logger.info('idle');
    assert.equal(lines().at(-1)!.requestId, undefined);
  });
});

describe('request metrics', () => {
  it('labels by route pattern, HTTP status and Milvus code', async () => {
    const { logger, lines } = captured();
    const samples: HttpRequestSample[] = [];
    const app = appWith(logger, samples);
    await app.request('/v2/vectordb/things/xyz/get', { method: 'POST' });
    await app.request('/v2/vectordb/fails', { method: 'POST' });
    await app.request('/v2/vectordb/crashes', { method: 'POST' });
    await app.request('/no/such/path/123', { method: 'GET' });
    assert.deepEqual(
      samples.map((s) => [s.route, s.method, s.status, s.code]),
      [
        ['/v2/vectordb/things/:name/get', 'POST', 200, '0'],
        ['/v2/vectordb/fails', 'POST', 200, '100'],
        ['/v2/vectordb/crashes', 'POST', 500, '65535'],
        ['unmatched', 'GET', 404, ''],
      ],
    );
    assert.ok(samples.every((s) => s.seconds >= 0 && s.seconds < 60));
    // Without access logs, only the server error is logged (beside the handler's own line).
    const logged = lines().filter((l) => l.msg !== 'handling');
    assert.equal(logged.length, 1);
    assert.equal(logged[0].msg, 'request failed');
    assert.equal(logged[0].level, 'error');
    assert.equal(logged[0].requestId, 'gen-3');
  });

  it('derives the code from the error, or 0 for a successful API answer', () => {
    assert.equal(milvusCode('/v2/vectordb/x', 200, undefined), '0');
    assert.equal(milvusCode('/healthz', 200, undefined), '');
    assert.equal(milvusCode('/v2/vectordb/x', 200, new QuiverError(1100, 'bad')), '1100');
    assert.equal(milvusCode('/v2/vectordb/x', 500, new Error('x')), '65535');
  });
});

describe('pino logger', () => {
  it('writes JSON lines with level, component and message, secrets redacted', () => {
    const { logger, lines } = captured();
    logger.warn('connecting', { url: 'redis://h', password: 'hunter2', sasl: { password: 'p2' }, nested: { apiKey: 'qv_abc' }, port: 1 });
    const [line] = lines();
    assert.equal(line.level, 'warn');
    assert.equal(line.component, 'test');
    assert.equal(line.msg, 'connecting');
    assert.equal(line.port, 1);
    assert.match(String(line.time), /^\d{4}-\d\d-\d\dT/);
    const text = JSON.stringify(line);
    for (const secret of ['hunter2', 'p2', 'qv_abc']) assert.ok(!text.includes(secret), text);
  });

  it('nests scopes', async () => {
    const { logger, lines } = captured();
    await logger.scope!({ requestId: 'r1' }, async () => {
      await logger.scope!({ shard: 3 }, async () => logger.info('inner'));
      logger.info('outer');
    });
    assert.deepEqual(lines().map((l) => [l.msg, l.requestId, l.shard]), [['inner', 'r1', 3], ['outer', 'r1', undefined]]);
  });
});
