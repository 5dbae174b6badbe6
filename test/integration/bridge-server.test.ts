/**
 * `quiver bridge` on the shared Kafka: records produced over HTTP in the Strimzi bridge's binary
 * format are read back byte for byte by the native consumer (keys, partitions, offsets); the
 * edge's bridge Log adapter works against it; bad requests get 4xx answers with the bridge's
 * `{error_code, message}` document and write nothing; an unknown topic is 404 like Strimzi's.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { openBridgeLog } from '../../src/shared/adapters/kafka-bridge/index.ts';
import { openKafkaLog } from '../../src/shared/adapters/kafka/index.ts';
import { LogError, type Log } from '../../src/shared/ports/log.ts';
import { readBack } from '../helpers/bridge.ts';
import { servicesEnv } from '../helpers/services-env.ts';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'quiver');
const BINARY = 'application/vnd.kafka.binary.v2+json';
const MAX_RECORD_BYTES = 4096;
const MAX_BODY_BYTES = 65_536;

const b64 = (bytes: Uint8Array | number[]) => Buffer.from(Uint8Array.from(bytes)).toString('base64');

interface Bridge {
  url: string;
  child: ChildProcess;
}

/** `bin/quiver bridge --port 0` on the shared Kafka; resolves with the URL of its banner. */
async function startBridgeProcess(): Promise<Bridge> {
  const env = {
    ...process.env,
    QUIVER_LOG_KIND: 'kafka',
    QUIVER_KAFKA_BROKERS: servicesEnv().QUIVER_KAFKA_BROKERS,
    QUIVER_LOG_MAX_RECORD_BYTES: String(MAX_RECORD_BYTES),
    QUIVER_MAX_BODY_BYTES: String(MAX_BODY_BYTES),
  };
  const child = spawn(BIN, ['bridge', '--port', '0'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-20_000)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`quiver bridge did not start:\n${stderr}`)), 60_000);
    child.once('exit', (code) => reject(new Error(`quiver bridge exited with ${code}:\n${stderr}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const m = /^quiver bridge listening on (http:\/\/\S+)$/.exec(line);
      if (m) {
        clearTimeout(timer);
        child.removeAllListeners('exit');
        resolve(m[1]);
      }
    });
  });
  return { url, child };
}

async function call(url: string, init: RequestInit = {}): Promise<{ status: number; type: string | null; body: any }> {
  const res = await fetch(url, init);
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type'), body: text === '' ? null : JSON.parse(text) };
}

function produce(bridge: Bridge, topic: string, body: unknown, contentType = BINARY) {
  return call(`${bridge.url}/topics/${topic}`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

describe('quiver bridge', { timeout: 180_000 }, () => {
  let bridge: Bridge;
  let native: Log;
  const topic = `bridge-srv-${Date.now().toString(36)}`;

  before(async () => {
    native = await openKafkaLog({ brokers: servicesEnv().QUIVER_KAFKA_BROKERS, clientId: 'quiver-bridge-test' });
    await native.createTopic(topic, 3);
    bridge = await startBridgeProcess();
  });

  after(async () => {
    if (bridge && bridge.child.exitCode === null) {
      bridge.child.kill('SIGKILL');
      await once(bridge.child, 'exit');
    }
    await native?.deleteTopic(topic).catch(() => undefined);
    await native?.close();
  });

  it('produces what the native consumer reads: bytes, keys, partitions, offsets', async () => {
    const big = new Uint8Array(MAX_RECORD_BYTES).map((_, i) => (i * 7) % 256);
    const res = await produce(bridge, topic, {
      records: [
        { partition: 2, value: b64([1, 0, 255]) },
        { partition: 2, value: b64(big), key: b64([9, 9]) },
        { partition: 0, value: b64([42]), headers: [] },
      ],
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.type, 'application/vnd.kafka.v2+json');
    assert.deepEqual(res.body, { offsets: [{ partition: 2, offset: 0 }, { partition: 2, offset: 1 }, { partition: 0, offset: 0 }] });

    const offsets = await call(`${bridge.url}/topics/${topic}/partitions/2/offsets`);
    assert.deepEqual([offsets.status, offsets.body], [200, { beginning_offset: 0, end_offset: 2 }]);
    assert.equal(await native.latestOffset({ topic, partition: 2 }), 2);
    const topics = await call(`${bridge.url}/topics`);
    assert.ok(topics.body.includes(topic) && !topics.body.some((t: string) => t.startsWith('__')));

    const at = await readBack(native, topic, 3);
    assert.deepEqual([...at.get('2/0')!.payload], [1, 0, 255]);
    assert.equal(at.get('2/0')!.key, null);
    assert.ok(Buffer.from(at.get('2/1')!.payload).equals(Buffer.from(big)));
    assert.deepEqual([...at.get('2/1')!.key!], [9, 9]);
    assert.deepEqual([...at.get('0/0')!.payload], [42]);
  });

  it('serves the edge bridge Log adapter', async () => {
    const log = openBridgeLog({ url: bridge.url, maxRecordBytes: MAX_RECORD_BYTES * 2 });
    const before = await log.latestOffset({ topic, partition: 1 });
    assert.deepEqual(await log.send(topic, [{ partition: 1, key: null, payload: Uint8Array.of(5) }, { partition: 1, key: null, payload: Uint8Array.of(6) }]), [before, before + 1]);
    assert.equal(await log.earliestOffset({ topic, partition: 1 }), 0);
    assert.ok((await log.listTopics()).includes(topic));
    const kindOf = (kind: string) => (err: unknown) => err instanceof LogError && err.kind === kind;
    await assert.rejects(log.send(`${topic}-absent`, [{ partition: 0, key: null, payload: Uint8Array.of(1) }]), kindOf('unknown-topic'));
    await assert.rejects(log.send(topic, [{ partition: 1, key: null, payload: new Uint8Array(MAX_RECORD_BYTES + 1) }]), kindOf('too-large'));
    await assert.rejects(log.send(topic, [{ partition: 5, key: null, payload: Uint8Array.of(1) }]), kindOf('invalid'));
    assert.equal(await native.latestOffset({ topic, partition: 1 }), before + 2, 'refused sends wrote nothing');
  });

  it('answers bad requests with 4xx and the bridge error document, writing nothing', async () => {
    const end = await native.latestOffset({ topic, partition: 0 });
    const cases: [unknown, number, RegExp, string?][] = [
      ['{"records":[{', 400, /not JSON/],
      [{ records: [{ partition: 0 }] }, 400, /\/records\/0\/value/],
      [{ records: [{ partition: 0, value: 'AA==', extra: 1 }] }, 400, /\/records\/0/],
      [{ records: [{ partition: 'x', value: 'AA==' }] }, 400, /\/records\/0\/partition/],
      [{}, 422, /records/],
      [{ records: [{ value: 'AA==' }] }, 422, /partition/],
      [{ records: [{ partition: -1, value: 'AA==' }] }, 422, /non-negative/],
      [{ records: [{ partition: 0, value: 'AA==' }, { partition: 0, value: '!!!' }] }, 422, /record 1: value is not base64/],
      [{ records: [{ partition: 0, value: 'AA==', headers: [{ key: 'h', value: 'AQ==' }] }] }, 422, /headers/],
      [{ records: [{ partition: 0, value: null }] }, 422, /null/],
      [{ records: [{ partition: 0, value: 'AA==' }] }, 415, /binary/, 'application/vnd.kafka.json.v2+json'],
      [{ records: [{ partition: 0, value: 'A'.repeat(MAX_BODY_BYTES) }] }, 413, /exceeds/],
    ];
    for (const [body, status, message, contentType] of cases) {
      const res = await produce(bridge, topic, body, contentType);
      const what = `${JSON.stringify(body).slice(0, 80)} -> ${JSON.stringify(res.body)}`;
      assert.equal(res.status, status, what);
      assert.equal(res.type, 'application/vnd.kafka.v2+json', what);
      assert.equal(res.body.error_code, status, what);
      assert.match(res.body.message, message, what);
    }
    // Records the log refuses fail each record with its status, as Strimzi reports them.
    const outside = await produce(bridge, topic, { records: [{ partition: 0, value: 'AA==' }, { partition: 9, value: 'AA==' }] });
    assert.equal(outside.status, 200);
    assert.deepEqual(outside.body.offsets.map((o: any) => o.error_code), [422, 422]);
    const tooLarge = await produce(bridge, topic, { records: [{ partition: 0, value: b64(new Uint8Array(MAX_RECORD_BYTES + 1)) }] });
    assert.equal(tooLarge.body.offsets[0].error_code, 413);
    assert.equal(await native.latestOffset({ topic, partition: 0 }), end, 'nothing was written');

    const partition = await call(`${bridge.url}/topics/${topic}/partitions/x/offsets`);
    assert.deepEqual([partition.status, partition.body.error_code], [400, 400]);
  });

  it('answers an unknown topic, partition or path with 404 like Strimzi', async () => {
    const absent = `${topic}-absent`;
    const offsets = await call(`${bridge.url}/topics/${absent}/partitions/0/offsets`);
    assert.equal(offsets.status, 404);
    assert.equal(offsets.body.error_code, 404);
    assert.match(offsets.body.message, new RegExp(absent));
    const noPartition = await call(`${bridge.url}/topics/${topic}/partitions/7/offsets`);
    assert.deepEqual([noPartition.status, noPartition.body.error_code], [404, 404]);
    // Strimzi answers a produce to a missing topic 200 with a 404 per record.
    const sent = await produce(bridge, absent, { records: [{ partition: 0, value: 'AA==' }] });
    assert.equal(sent.status, 200);
    assert.equal(sent.body.offsets[0].error_code, 404);
    const path = await call(`${bridge.url}/consumers/g`);
    assert.deepEqual([path.status, path.body], [404, { error_code: 404, message: 'Not Found' }]);
  });

  it('reports health, answers async produces after delivery, and stops on SIGTERM', async () => {
    assert.equal((await fetch(`${bridge.url}/healthy`)).status, 204);
    assert.equal((await fetch(`${bridge.url}/ready`)).status, 204);
    const end = await native.latestOffset({ topic, partition: 1 });
    const res = await fetch(`${bridge.url}/topics/${topic}?async=true`, {
      method: 'POST',
      headers: { 'content-type': BINARY },
      body: JSON.stringify({ records: [{ partition: 1, value: 'AA==' }] }),
    });
    assert.equal(res.status, 204);
    assert.equal(await native.latestOffset({ topic, partition: 1 }), end + 1);
    const exited = once(bridge.child, 'exit');
    bridge.child.kill('SIGTERM');
    const [code] = await exited;
    assert.equal(code, 0);
  });
});
