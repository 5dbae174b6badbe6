/**
 * The edge proxy's fetch-only adapters on the real services: the bridge Log writes the bytes,
 * partitions and offsets the native Kafka adapter reads back, and the fetch-based S3 store passes
 * the ObjectStore contract on the real S3 server.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openBridgeLog } from '../../src/shared/adapters/kafka-bridge/index.ts';
import { openKafkaLog } from '../../src/shared/adapters/kafka/index.ts';
import { openFetchS3ObjectStore } from '../../src/shared/adapters/s3-fetch/index.ts';
import type { Log } from '../../src/shared/ports/log.ts';
import { runObjectStoreContract } from '../contracts/object-store-contract.ts';
import { BRIDGE_URL, readBack, startBridge } from '../helpers/bridge.ts';
import { servicesEnv } from '../helpers/services-env.ts';

describe('bridge Log against the native Kafka adapter', { timeout: 120_000 }, () => {
  let native: Log;
  const topic = `edge-bridge-${Date.now().toString(36)}`;

  before(async () => {
    startBridge();
    native = await openKafkaLog({ brokers: servicesEnv().QUIVER_KAFKA_BROKERS, clientId: 'quiver-edge-test' });
    await native.createTopic(topic, 3);
  });

  after(async () => {
    await native?.deleteTopic(topic).catch(() => undefined);
    await native?.close();
  });

  it('writes the same bytes, partitions and offsets the native consumer reads', async () => {
    const bridge = openBridgeLog({ url: BRIDGE_URL });
    const payloads = [Uint8Array.of(1, 0, 255, 7), new Uint8Array(300_000).map((_, i) => i % 251), Uint8Array.of(42)];
    const offsets = await bridge.send(topic, [
      { partition: 2, key: null, payload: payloads[0] },
      { partition: 2, key: Uint8Array.of(9, 9), payload: payloads[1] },
      { partition: 0, key: null, payload: payloads[2] },
    ]);
    assert.deepEqual(offsets, [0, 1, 0]);
    assert.equal(await bridge.latestOffset({ topic, partition: 2 }), 2);
    assert.equal(await native.latestOffset({ topic, partition: 2 }), 2);
    assert.equal(await bridge.earliestOffset({ topic, partition: 1 }), 0);

    const byPlace = await readBack(native, topic, 3);
    assert.deepEqual([...byPlace.get('2/0')!.payload], [...payloads[0]]);
    assert.equal(byPlace.get('2/0')!.key, null);
    assert.ok(Buffer.from(byPlace.get('2/1')!.payload).equals(Buffer.from(payloads[1])));
    assert.deepEqual([...byPlace.get('2/1')!.key!], [9, 9]);
    assert.deepEqual([...byPlace.get('0/0')!.payload], [42]);
  });

  it('rejects a topic that does not exist with unknown-topic', async () => {
    const bridge = openBridgeLog({ url: BRIDGE_URL });
    await assert.rejects(bridge.latestOffset({ topic: `${topic}-absent`, partition: 0 }), (err: any) => err.kind === 'unknown-topic');
  });
});

runObjectStoreContract('s3 over fetch (edge)', async () => {
  const env = servicesEnv();
  const prefix = `edge-contract-${Date.now().toString(36)}/`;
  const options = {
    endpoint: env.QUIVER_S3_ENDPOINT,
    bucket: env.QUIVER_S3_BUCKET,
    region: env.QUIVER_S3_REGION,
    accessKeyId: env.QUIVER_S3_ACCESS_KEY_ID,
    secretAccessKey: env.QUIVER_S3_SECRET_ACCESS_KEY,
    forcePathStyle: true,
  };
  const store = openFetchS3ObjectStore({ ...options, prefix });
  return {
    store,
    cleanup: async () => {
      const all = openFetchS3ObjectStore({ ...options, prefix });
      for (const o of await all.list('')) await all.delete(o.key);
    },
  };
});
