/**
 * The bridge Log's side of the HTTP exchange (the real bridge is exercised in
 * test/integration/edge-worker.test.ts): what it sends, how it reads answers and failures, and
 * the edge configuration that wires it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BINARY_CONTENT_TYPE, openBridgeLog } from '../../../src/shared/adapters/kafka-bridge/index.ts';
import { LogError } from '../../../src/shared/ports/log.ts';
import { parseEdgeConfig, EdgeConfigError } from '../../../src/proxy/edge/edge-config.ts';

interface Seen {
  url: string;
  init: RequestInit;
}

function fakeBridge(answer: (seen: Seen) => Response | Promise<Response>): { fetch: typeof fetch; seen: Seen[] } {
  const seen: Seen[] = [];
  const f = (async (input: string | URL | Request, init?: RequestInit) => {
    const s = { url: String(input), init: init ?? {} };
    seen.push(s);
    return answer(s);
  }) as typeof fetch;
  return { fetch: f, seen };
}

const kind = (k: LogError['kind']) => (err: unknown) => err instanceof LogError && err.kind === k;

describe('bridge Log', () => {
  it('produces base64 records with explicit partitions and answers their offsets in order', async () => {
    const bridge = fakeBridge(() => Response.json({ offsets: [{ partition: 1, offset: 10 }, { partition: 0, offset: 4 }] }));
    const log = openBridgeLog({ url: 'http://bridge:8080/', fetch: bridge.fetch });
    const offsets = await log.send('quiver.7', [
      { partition: 1, key: null, payload: Uint8Array.of(1, 2, 3) },
      { partition: 0, key: Uint8Array.of(255), payload: Uint8Array.of(0) },
    ]);
    assert.deepEqual(offsets, [10, 4]);
    const [call] = bridge.seen;
    assert.equal(call.url, 'http://bridge:8080/topics/quiver.7');
    assert.equal(call.init.method, 'POST');
    assert.equal((call.init.headers as Record<string, string>)['content-type'], BINARY_CONTENT_TYPE);
    assert.deepEqual(JSON.parse(String(call.init.body)), {
      records: [
        { partition: 1, value: 'AQID' },
        { partition: 0, value: 'AA==', key: '/w==' },
      ],
    });
  });

  it('turns the bridge failures into LogError kinds', async () => {
    const perRecord = openBridgeLog({
      url: 'http://b',
      fetch: fakeBridge(() => Response.json({ offsets: [{ error_code: 404, message: 'Topic x not present in metadata' }] })).fetch,
    });
    await assert.rejects(perRecord.send('x', [{ partition: 0, key: null, payload: Uint8Array.of(1) }]), kind('unknown-topic'));

    const down = openBridgeLog({ url: 'http://b', fetch: (() => Promise.reject(new TypeError('fetch failed'))) as typeof fetch });
    await assert.rejects(down.send('x', [{ partition: 0, key: null, payload: Uint8Array.of(1) }]), kind('unavailable'));

    const broken = openBridgeLog({ url: 'http://b', fetch: fakeBridge(() => new Response('oops', { status: 500 })).fetch });
    await assert.rejects(broken.latestOffset({ topic: 'x', partition: 0 }), kind('unavailable'));

    const bad = openBridgeLog({ url: 'http://b', fetch: fakeBridge(() => Response.json({ error_code: 422, message: 'bad' }, { status: 422 })).fetch });
    await assert.rejects(bad.send('x', [{ partition: 0, key: null, payload: Uint8Array.of(1) }]), kind('invalid'));
  });

  it('checks records before any request and refuses what the edge does not do', async () => {
    const bridge = fakeBridge(() => Response.json({}));
    const log = openBridgeLog({ url: 'http://b', fetch: bridge.fetch, maxRecordBytes: 1024 });
    await assert.rejects(log.send('x', [{ partition: 0, key: null, payload: new Uint8Array(1025) }]), kind('too-large'));
    await assert.rejects(log.send('bad topic', [{ partition: 0, key: null, payload: Uint8Array.of(1) }]), kind('invalid'));
    await assert.rejects(log.createTopic('x', 1), kind('invalid'));
    await assert.rejects(log.trim({ topic: 'x', partition: 0 }, 1), kind('invalid'));
    assert.throws(() => log.consumer({ groupId: 'g', topicPattern: /x/, listener: { onAssign: async () => {}, onRevoke: async () => {} } }), kind('invalid'));
    assert.equal(bridge.seen.length, 0);
    assert.equal(log.maxRecordBytes(), 1024);
  });
});

describe('edge configuration', () => {
  const base = {
    QUIVER_READ_TIER_URL: 'http://127.0.0.1:19530',
    QUIVER_BRIDGE_URL: 'http://127.0.0.1:18080',
    QUIVER_S3_BUCKET: 'quiver',
    QUIVER_S3_ACCESS_KEY_ID: 'id',
    QUIVER_S3_SECRET_ACCESS_KEY: 'secret',
  };

  it('fills the Node tier defaults and parses text values', () => {
    const c = parseEdgeConfig({ ...base, QUIVER_S3_FORCE_PATH_STYLE: 'true', QUIVER_MAX_ROWS_PER_REQUEST: '50' });
    assert.equal(c.env.QUIVER_S3_FORCE_PATH_STYLE, true);
    assert.equal(c.env.QUIVER_LOG_MAX_RECORD_BYTES, 921_600);
    assert.equal(c.quiver.limits.maxRowsPerRequest, 50);
    assert.equal(c.quiver.server.maxBodyBytes, 64 * 1024 * 1024);
    assert.equal(c.quiver.auth.enabled, false);
  });

  it('names every bad variable', () => {
    assert.throws(
      () => parseEdgeConfig({ ...base, QUIVER_BRIDGE_URL: 'ftp://x', QUIVER_S3_BUCKET: undefined }),
      (err: unknown) => err instanceof EdgeConfigError && /QUIVER_BRIDGE_URL/.test(err.message) && /QUIVER_S3_BUCKET/.test(err.message),
    );
    assert.throws(() => parseEdgeConfig({ ...base, QUIVER_MAX_JSON_DEPTH: '1' }), /QUIVER_MAX_JSON_DEPTH/);
  });
});
