/**
 * The Log contract against the embedded adapter, plus what only the embedded log promises:
 * persistence across reopen, fault switches, argument checks and topic re-creation.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  openEmbeddedLog,
  type EmbeddedLog,
  type EmbeddedLogOptions,
} from '../../src/shared/adapters/embedded-log/index.ts';
import { LogError, type RebalanceListener } from '../../src/shared/ports/log.ts';
import { runLogContract } from './log-contract.ts';

async function tempDir(): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'quiver-embedded-log-'));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

runLogContract('embedded', async () => {
  const dir = await tempDir();
  const log = await openEmbeddedLog({ path: dir.path });
  return {
    log,
    cleanup: async () => {
      await log.close();
      await dir.remove();
    },
  };
});

const quietListener: RebalanceListener = { onAssign: async () => undefined, onRevoke: async () => undefined };
const payload = (text: string): Uint8Array => new TextEncoder().encode(text);
const record = (partition: number, text: string, key: string | null = null) => ({
  partition,
  key: key === null ? null : payload(key),
  payload: payload(text),
});

/** Opens an embedded log in a fresh directory; `reopen` closes it and opens the same path again. */
async function scratchLog(options: Partial<EmbeddedLogOptions> = {}) {
  const dir = await tempDir();
  let log: EmbeddedLog = await openEmbeddedLog({ ...options, path: dir.path });
  return {
    get log() {
      return log;
    },
    reopen: async () => {
      await log.close();
      log = await openEmbeddedLog({ ...options, path: dir.path });
      return log;
    },
    dispose: async () => {
      await log.close();
      await dir.remove();
    },
  };
}

async function expectKind(promise: Promise<unknown>, kind: LogError['kind']): Promise<void> {
  await assert.rejects(promise, (err: unknown) => err instanceof LogError && err.kind === kind);
}

function expectKindSync(fn: () => unknown, kind: LogError['kind']): void {
  assert.throws(fn, (err: unknown) => err instanceof LogError && err.kind === kind);
}

describe('embedded log', () => {
  it('keeps topics, records, trims and commits across reopen', async () => {
    const s = await scratchLog();
    try {
      await s.log.createTopic('kept', 2);
      await s.log.send('kept', [0, 1, 2, 3, 4].map((i) => record(0, `v${i}`, `k${i}`)));
      await s.log.trim({ topic: 'kept', partition: 0 }, 2);
      const writer = s.log.consumer({ groupId: 'g', topicPattern: /^kept$/, listener: quietListener });
      await writer.commit({ topic: 'kept', partition: 0 }, 3);
      const log = await s.reopen();
      assert.deepEqual(await log.listTopics(), ['kept']);
      assert.equal(await log.earliestOffset({ topic: 'kept', partition: 0 }), 2);
      assert.equal(await log.latestOffset({ topic: 'kept', partition: 0 }), 5);
      await log.createTopic('kept', 2);
      assert.deepEqual(await log.send('kept', [record(0, 'v5')]), [5]);
      const reader = log.consumer({ groupId: 'g', topicPattern: /^kept$/, listener: quietListener });
      assert.equal(await reader.committed({ topic: 'kept', partition: 0 }), 3);
      const records = await reader.poll(100, 1000);
      const seen = records.map((r) => [r.offset, new TextDecoder().decode(r.payload)]);
      assert.deepEqual(seen, [[3, 'v3'], [4, 'v4'], [5, 'v5']]);
      assert.deepEqual(records[0].key, payload('k3'));
    } finally {
      await s.dispose();
    }
  });

  it('a topic deleted and created again starts empty at offset 0', async () => {
    const s = await scratchLog();
    try {
      await s.log.createTopic('again', 1);
      await s.log.send('again', [record(0, 'old'), record(0, 'old')]);
      await s.log.deleteTopic('again');
      await s.log.createTopic('again', 3);
      assert.equal(await s.log.latestOffset({ topic: 'again', partition: 0 }), 0);
      assert.deepEqual(await s.log.send('again', [record(0, 'new')]), [0]);
      const consumer = s.log.consumer({ groupId: 'g', topicPattern: /^again$/, listener: quietListener });
      const records = await consumer.poll(100, 1000);
      assert.deepEqual(records.map((r) => new TextDecoder().decode(r.payload)), ['new']);
    } finally {
      await s.dispose();
    }
  });

  it('fault switches make sends fail without writing, then heal', async () => {
    const s = await scratchLog();
    try {
      const tp = { topic: 'faulty', partition: 0 };
      await s.log.createTopic('faulty', 1);
      const one = record(0, 'x');
      s.log.faults.failNextSends(2);
      await expectKind(s.log.send('faulty', [one]), 'unavailable');
      await expectKind(s.log.send('faulty', [one]), 'unavailable');
      assert.deepEqual(await s.log.send('faulty', [one]), [0]);
      s.log.faults.sendFailure = 'unavailable';
      await expectKind(s.log.send('faulty', [one]), 'unavailable');
      await expectKind(s.log.send('faulty', [one]), 'unavailable');
      assert.equal(await s.log.latestOffset(tp), 1);
      s.log.faults.reset();
      assert.deepEqual(await s.log.send('faulty', [one]), [1]);
      s.log.faults.failNextSends(1, 'too-large');
      await expectKind(s.log.send('faulty', [one]), 'too-large');
    } finally {
      await s.dispose();
    }
  });

  it('rejects bad arguments with invalid and unknown topics with unknown-topic', async () => {
    const s = await scratchLog({ maxRecordBytes: 4 });
    try {
      const { log } = s;
      assert.equal(log.maxRecordBytes(), 4);
      await expectKind(log.createTopic('bad name', 1), 'invalid');
      await expectKind(log.createTopic('', 1), 'invalid');
      await expectKind(log.createTopic('zero', 0), 'invalid');
      await expectKind(log.createTopic('frac', 1.5), 'invalid');
      await log.createTopic('ok', 2);
      await expectKind(log.send('ok', [record(2, 'a')]), 'invalid');
      const notBytes = { partition: 0, key: null, payload: 'text' as unknown as Uint8Array };
      await expectKind(log.send('ok', [notBytes]), 'invalid');
      await expectKind(log.send('ok', [record(0, '12345')]), 'too-large');
      await expectKind(log.latestOffset({ topic: 'nope', partition: 0 }), 'unknown-topic');
      await expectKind(log.earliestOffset({ topic: 'ok', partition: 7 }), 'invalid');
      await expectKind(log.trim({ topic: 'nope', partition: 0 }, 0), 'unknown-topic');
      const consumer = log.consumer({ groupId: 'g', topicPattern: /^ok$/g, listener: quietListener });
      expectKindSync(() => consumer.seek({ topic: 'other', partition: 0 }, 0), 'invalid');
      await expectKind(consumer.commit({ topic: 'nope', partition: 0 }, 1), 'unknown-topic');
      await expectKind(consumer.poll(0, 10), 'invalid');
      const running = consumer.poll(10, 300);
      await expectKind(consumer.poll(10, 10), 'invalid');
      assert.deepEqual(await running, []);
      // The g flag must not make matching stateful: both partitions stay assigned.
      assert.equal(consumer.assignment().length, 2);
      expectKindSync(() => log.consumer({ groupId: '', topicPattern: /x/, listener: quietListener }), 'invalid');
      await expectKind(openEmbeddedLog({ path: join(tmpdir(), 'never'), maxRecordBytes: 0 }), 'invalid');
    } finally {
      await s.dispose();
    }
  });

  it('hands a partition to a new member only after its owner revoked it in poll', async () => {
    const s = await scratchLog();
    try {
      await s.log.createTopic('handoff', 2);
      const events: string[] = [];
      const listener = (name: string): RebalanceListener => ({
        onAssign: async (tps) => void events.push(`${name}+${tps.map((t) => t.partition).join()}`),
        onRevoke: async (tps) => void events.push(`${name}-${tps.map((t) => t.partition).join()}`),
      });
      const a = s.log.consumer({ groupId: 'g', topicPattern: /^handoff$/, listener: listener('a') });
      await a.poll(10, 10);
      assert.equal(a.assignment().length, 2);
      const b = s.log.consumer({ groupId: 'g', topicPattern: /^handoff$/, listener: listener('b') });
      assert.deepEqual(await b.poll(10, 50), []);
      assert.deepEqual(b.assignment(), [], 'b gets nothing while a still holds both partitions');
      const waiting = b.poll(10, 5000);
      await a.poll(10, 10);
      await s.log.send('handoff', [record(1, 'for b')]);
      const got = await waiting;
      assert.deepEqual(got.map((r) => r.partition), [1]);
      assert.deepEqual(a.assignment(), [{ topic: 'handoff', partition: 0 }]);
      assert.deepEqual(b.assignment(), [{ topic: 'handoff', partition: 1 }]);
      assert.deepEqual(events, ['a+0,1', 'a-1', 'b+1']);
    } finally {
      await s.dispose();
    }
  });

  it('takes the partitions of a member that stopped polling after maxPollIntervalMs', async () => {
    const s = await scratchLog({ maxPollIntervalMs: 200 });
    try {
      await s.log.createTopic('stuck', 2);
      const revokedFromA: number[][] = [];
      const a = s.log.consumer({
        groupId: 'g',
        topicPattern: /^stuck$/,
        listener: {
          onAssign: async () => undefined,
          onRevoke: async (tps) => void revokedFromA.push(tps.map((t) => t.partition)),
        },
      });
      await a.poll(10, 10);
      assert.equal(a.assignment().length, 2);
      const b = s.log.consumer({ groupId: 'g', topicPattern: /^stuck$/, listener: quietListener });
      assert.deepEqual(await b.poll(10, 50), []);
      assert.deepEqual(b.assignment(), [], 'a has not been idle long enough');
      await new Promise((resolve) => setTimeout(resolve, 250));
      await b.poll(10, 10);
      assert.deepEqual(b.assignment(), [{ topic: 'stuck', partition: 1 }]);
      await a.poll(10, 10);
      assert.deepEqual(revokedFromA, [[1]], 'the idle member learns of the loss on its next poll');
      assert.deepEqual(a.assignment(), [{ topic: 'stuck', partition: 0 }]);
    } finally {
      await s.dispose();
    }
  });

  it('onRevoke can still commit while the consumer or the whole log is closing', async () => {
    const s = await scratchLog();
    try {
      await s.log.createTopic('bye', 1);
      const tp = { topic: 'bye', partition: 0 };
      const closingConsumer = (groupId: string, offset: number) => {
        const consumer = s.log.consumer({
          groupId,
          topicPattern: /^bye$/,
          listener: { onAssign: async () => undefined, onRevoke: async () => consumer.commit(tp, offset) },
        });
        return consumer;
      };
      const first = closingConsumer('g1', 7);
      await first.poll(1, 10);
      await first.close();
      const second = closingConsumer('g2', 9);
      await second.poll(1, 10);
      const log = await s.reopen();
      const probe = log.consumer({ groupId: 'g1', topicPattern: /^$/, listener: quietListener });
      assert.equal(await probe.committed(tp), 7);
      const probe2 = log.consumer({ groupId: 'g2', topicPattern: /^$/, listener: quietListener });
      assert.equal(await probe2.committed(tp), 9);
    } finally {
      await s.dispose();
    }
  });

  it("syncMode 'none' appends and reads like the durable mode", async () => {
    const s = await scratchLog({ syncMode: 'none' });
    try {
      await s.log.createTopic('fast', 1);
      assert.deepEqual(await s.log.send('fast', [record(0, 'a')]), [0]);
      const log = await s.reopen();
      assert.equal(await log.latestOffset({ topic: 'fast', partition: 0 }), 1);
    } finally {
      await s.dispose();
    }
  });
});
