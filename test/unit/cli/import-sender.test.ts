/** BatchSender: the acknowledged prefix only grows over batches acknowledged in file order. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BatchSender } from '../../../src/cli/import-sender.ts';
import type { MilvusClient } from '../../../src/cli/milvus-client.ts';

/** A client whose requests resolve or fail when the test says so. */
function controlledClient() {
  const pending: Array<{ rows: number; resolve: () => void; reject: (e: Error) => void }> = [];
  const client = {
    post: (_path: string, body: { data: unknown[] }) =>
      new Promise<void>((resolve, reject) => pending.push({ rows: body.data.length, resolve, reject })),
  } as unknown as MilvusClient;
  return { client, pending };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('BatchSender', () => {
  it('counts a batch acknowledged early only once the batches before it are acknowledged', async () => {
    const { client, pending } = controlledClient();
    const acks: number[] = [];
    const sender = new BatchSender({
      client, collection: 'c', endpoint: 'entities/upsert', concurrency: 3, rate: 0, startRow: 100,
      onAcknowledged: async (rows) => void acks.push(rows),
    });
    await sender.send([{}, {}]);
    await sender.send([{}, {}, {}]);
    await sender.send([{}]);
    assert.deepEqual(pending.map((p) => p.rows), [2, 3, 1]);
    pending[2].resolve();
    pending[1].resolve();
    await tick();
    assert.deepEqual(acks, []);
    assert.equal(sender.acknowledgedRows, 100);
    pending[0].resolve();
    await sender.drain();
    assert.deepEqual(acks, [106]);
    assert.equal(sender.acknowledgedRows, 106);
  });

  it('keeps the prefix before a failed batch and reports the failure', async () => {
    const { client, pending } = controlledClient();
    const acks: number[] = [];
    const sender = new BatchSender({
      client, collection: 'c', endpoint: 'entities/upsert', concurrency: 2, rate: 0, startRow: 0,
      onAcknowledged: async (rows) => void acks.push(rows),
    });
    await sender.send([{}, {}]);
    await sender.send([{}, {}]);
    pending[0].resolve();
    pending[1].reject(new Error('rejected row'));
    await assert.rejects(sender.drain(), /rejected row/);
    assert.deepEqual(acks, [2]);
    await assert.rejects(sender.send([{}]), /rejected row/);
  });

  it('waits for a free request slot', async () => {
    const { client, pending } = controlledClient();
    const sender = new BatchSender({
      client, collection: 'c', endpoint: 'entities/upsert', concurrency: 1, rate: 0, startRow: 0, onAcknowledged: async () => undefined,
    });
    await sender.send([{}]);
    let second = false;
    const sending = sender.send([{}]).then(() => (second = true));
    await tick();
    assert.equal(second, false);
    pending[0].resolve();
    await sending;
    assert.equal(pending.length, 2);
    pending[1].resolve();
    await sender.drain();
    assert.equal(sender.acknowledgedRows, 2);
  });
});
