/**
 * Contract of the Log port, run against every adapter (embedded here, Kafka against a broker).
 * Written to hold for a real broker too: every test uses its own topics and consumer groups,
 * waits for rebalances and metadata by polling with generous deadlines rather than assuming
 * they are instant, and never depends on timing except as an upper bound.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  LogError,
  OffsetOutOfRangeError,
  type Log,
  type LogConsumer,
  type LogRecord,
  type OutgoingRecord,
  type RebalanceListener,
  type TopicPartition,
} from '../../src/shared/ports/log.ts';

export type OpenLog = () => Promise<{ log: Log; cleanup: () => Promise<void> }>;

/** Upper bound for anything that involves a rebalance or metadata propagation. */
const SETTLE_MS = 30_000;
const TEST_OPTIONS = { timeout: 120_000 };

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const bytes = (text: string): Uint8Array => encoder.encode(text);
const text = (data: Uint8Array): string => decoder.decode(data);

/** An outgoing record with a text payload. */
const rec = (partition: number, payload: string, key: string | null = null): OutgoingRecord => ({
  partition,
  key: key === null ? null : bytes(key),
  payload: bytes(payload),
});

/** `count` records for one partition with payloads `${prefix}0`, `${prefix}1`, ... */
const recs = (partition: number, prefix: string, count: number): OutgoingRecord[] =>
  Array.from({ length: count }, (_, i) => rec(partition, `${prefix}${i}`));

/** A topic name no other test (or earlier run against the same broker) uses. */
function uniqueName(label: string): string {
  return `ct-${label}-${randomUUID().slice(0, 8)}`;
}

interface RecordingListener extends RebalanceListener {
  assigned: TopicPartition[][];
  revoked: TopicPartition[][];
  /** Runs inside onAssign, after recording (e.g. to seek). */
  afterAssign?: (partitions: TopicPartition[]) => void;
}

function recordingListener(): RecordingListener {
  const listener: RecordingListener = {
    assigned: [],
    revoked: [],
    async onAssign(partitions) {
      listener.assigned.push(partitions);
      listener.afterAssign?.(partitions);
    },
    async onRevoke(partitions) {
      listener.revoked.push(partitions);
    },
  };
  return listener;
}

const tpKey = (tp: TopicPartition): string => `${tp.topic}[${tp.partition}]`;
const keysOf = (tps: readonly TopicPartition[]): string[] => tps.map(tpKey).sort();

async function expectLogError(promise: Promise<unknown>, kind: LogError['kind']): Promise<LogError> {
  let caught: unknown;
  await promise.then(
    () => assert.fail(`expected a LogError of kind ${kind}`),
    (err: unknown) => {
      caught = err;
    },
  );
  assert.ok(caught instanceof LogError, `expected LogError, got ${String(caught)}`);
  assert.equal(caught.kind, kind, caught.message);
  return caught;
}

/**
 * Polls every consumer (concurrently, as group protocols need all members to poll) until `done`
 * holds, collecting records per consumer. Fails after `timeoutMs`.
 */
async function pollUntil(
  consumers: readonly LogConsumer[],
  done: (seen: LogRecord[][]) => boolean,
  what: string,
  timeoutMs = SETTLE_MS,
): Promise<LogRecord[][]> {
  const seen: LogRecord[][] = consumers.map(() => []);
  const deadline = Date.now() + timeoutMs;
  while (!done(seen)) {
    if (Date.now() > deadline) assert.fail(`timed out waiting until ${what}`);
    const batches = await Promise.all(consumers.map((c) => c.poll(100, 100)));
    batches.forEach((batch, i) => seen[i].push(...batch));
  }
  return seen;
}

/** Polls until poll rejects; answers the error and the records returned before it. */
async function pollUntilError(consumer: LogConsumer): Promise<{ records: LogRecord[]; error: unknown }> {
  const records: LogRecord[] = [];
  const deadline = Date.now() + SETTLE_MS;
  while (Date.now() < deadline) {
    try {
      records.push(...(await consumer.poll(100, 100)));
    } catch (error) {
      return { records, error };
    }
  }
  return assert.fail('timed out waiting for poll to reject');
}

/** Retries `check` until it stops throwing; for effects that a broker applies asynchronously. */
async function eventually(check: () => Promise<void>, what: string): Promise<void> {
  const deadline = Date.now() + SETTLE_MS;
  for (;;) {
    try {
      await check();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`, { cause: err });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** A consumer of exactly `topic` in a new group unless `groupId` is given. */
function subscribe(
  log: Log,
  topic: string,
  listener: RebalanceListener = recordingListener(),
  groupId?: string,
): LogConsumer {
  return log.consumer({ groupId: groupId ?? uniqueName('g'), topicPattern: new RegExp(`^${topic}$`), listener });
}

/** Registers the Log contract tests for one adapter. `open` gives a fresh log per test. */
export function runLogContract(name: string, open: OpenLog): void {
  /** One test with a fresh log, cleaned up whatever happens. */
  const test = (title: string, fn: (log: Log) => Promise<void>): void => {
    it(title, TEST_OPTIONS, async () => {
      const { log, cleanup } = await open();
      try {
        await fn(log);
      } finally {
        await cleanup();
      }
    });
  };

  describe(`Log contract: ${name}`, () => {
    test('createTopic is idempotent for the same partition count and rejects another count', async (log) => {
      const topic = uniqueName('create');
      await log.createTopic(topic, 3);
      await log.createTopic(topic, 3);
      assert.ok((await log.listTopics()).includes(topic));
      await expectLogError(log.createTopic(topic, 5), 'invalid');
      assert.equal(await log.latestOffset({ topic, partition: 2 }), 0);
    });

    test('deleteTopic removes the topic and succeeds when it is absent', async (log) => {
      const kept = uniqueName('kept');
      const doomed = uniqueName('doomed');
      await log.createTopic(kept, 1);
      await log.createTopic(doomed, 1);
      await log.send(doomed, [rec(0, 'x')]);
      await log.deleteTopic(doomed);
      await eventually(async () => {
        const topics = await log.listTopics();
        assert.ok(!topics.includes(doomed));
        assert.ok(topics.includes(kept));
      }, 'the deleted topic is no longer listed');
      await log.deleteTopic(doomed);
      await log.deleteTopic(uniqueName('never-created'));
      await expectLogError(log.send(doomed, [rec(0, 'y')]), 'unknown-topic');
    });

    test('send to an unknown topic rejects with unknown-topic', async (log) => {
      await expectLogError(log.send(uniqueName('missing'), [rec(0, 'a')]), 'unknown-topic');
    });

    test('send answers consecutive offsets per partition, in input order', async (log) => {
      const topic = uniqueName('offsets');
      await log.createTopic(topic, 2);
      assert.deepEqual(await log.send(topic, [rec(0, 'a'), rec(1, 'b'), rec(0, 'c')]), [0, 0, 1]);
      assert.deepEqual(await log.send(topic, [rec(0, 'd'), rec(0, 'e')]), [2, 3]);
      assert.deepEqual(await log.send(topic, [rec(1, 'f')]), [1]);
      assert.deepEqual(await log.send(topic, []), []);
    });

    test('latestOffset is the next offset and earliestOffset the first stored one', async (log) => {
      const topic = uniqueName('bounds');
      await log.createTopic(topic, 2);
      const p0 = { topic, partition: 0 };
      const p1 = { topic, partition: 1 };
      assert.equal(await log.latestOffset(p0), 0);
      assert.equal(await log.earliestOffset(p0), 0);
      for (let i = 0; i < 3; i++) await log.send(topic, [rec(0, `r${i}`)]);
      assert.equal(await log.latestOffset(p0), 3);
      assert.equal(await log.earliestOffset(p0), 0);
      assert.equal(await log.latestOffset(p1), 0);
    });

    test('poll returns every record with its fields, in offset order per partition', async (log) => {
      const topic = uniqueName('poll');
      await log.createTopic(topic, 2);
      const before = Date.now();
      for (let i = 0; i < 5; i++) {
        await log.send(topic, [rec(0, `p0-${i}`), rec(1, `p1-${i}`, `k${i}`)]);
      }
      const after = Date.now();
      const consumer = subscribe(log, topic);
      try {
        const [records] = await pollUntil([consumer], (seen) => seen[0].length >= 10, '10 records arrived');
        assert.equal(records.length, 10);
        for (const partition of [0, 1]) {
          const mine = records.filter((r) => r.partition === partition);
          assert.deepEqual(mine.map((r) => r.offset), [0, 1, 2, 3, 4]);
          assert.deepEqual(mine.map((r) => text(r.payload)), [0, 1, 2, 3, 4].map((i) => `p${partition}-${i}`));
          for (const r of mine) {
            assert.equal(r.topic, topic);
            assert.ok(r.timestamp >= before - 1000 && r.timestamp <= after + 1000, `timestamp ${r.timestamp}`);
            if (partition === 0) assert.equal(r.key, null);
            else assert.equal(text(r.key!), `k${r.offset}`);
          }
        }
        assert.deepEqual(keysOf(consumer.assignment()), keysOf([{ topic, partition: 0 }, { topic, partition: 1 }]));
      } finally {
        await consumer.close();
      }
    });

    test('poll waits for records and wakes up promptly when one is appended', async (log) => {
      const topic = uniqueName('wake');
      await log.createTopic(topic, 1);
      const consumer = subscribe(log, topic);
      try {
        await pollUntil([consumer], () => consumer.assignment().length === 1, 'the partition is assigned');
        const idleStart = Date.now();
        assert.deepEqual(await consumer.poll(10, 300), []);
        assert.ok(Date.now() - idleStart < 5000, 'an idle poll returns about maxWaitMs later');

        const polled = consumer.poll(10, 20_000);
        await new Promise((resolve) => setTimeout(resolve, 200));
        const sentAt = Date.now();
        await log.send(topic, [rec(0, 'wake')]);
        const records = await polled;
        const latency = Date.now() - sentAt;
        assert.deepEqual(records.map((r) => text(r.payload)), ['wake']);
        assert.ok(latency < 5000, `poll returned ${latency} ms after the append`);
      } finally {
        await consumer.close();
      }
    });

    test('seek moves the position, from onAssign and afterwards', async (log) => {
      const topic = uniqueName('seek');
      await log.createTopic(topic, 1);
      const tp = { topic, partition: 0 };
      await log.send(topic, recs(0, 'r', 6));
      const listener = recordingListener();
      const consumer = subscribe(log, topic, listener);
      listener.afterAssign = (partitions) => {
        if (partitions.some((p) => p.topic === topic)) consumer.seek(tp, 3);
      };
      try {
        const [first] = await pollUntil([consumer], (seen) => seen[0].length >= 3, 'records from offset 3 arrived');
        assert.deepEqual(first.map((r) => r.offset), [3, 4, 5]);
        consumer.seek(tp, 1);
        const [again] = await pollUntil([consumer], (seen) => seen[0].length >= 5, 'records from offset 1 arrived');
        assert.deepEqual(again.map((r) => r.offset), [1, 2, 3, 4, 5]);
      } finally {
        await consumer.close();
      }
    });

    test('commit and committed persist the group offset, and a new member resumes from it', async (log) => {
      const topic = uniqueName('commit');
      const groupId = uniqueName('g');
      await log.createTopic(topic, 1);
      const tp = { topic, partition: 0 };
      await log.send(topic, recs(0, 'r', 6));
      const pattern = new RegExp(`^${topic}$`);
      const first = log.consumer({ groupId, topicPattern: pattern, listener: recordingListener() });
      try {
        assert.equal(await first.committed(tp), null);
        await pollUntil([first], (seen) => seen[0].length >= 6, 'all records arrived');
        await first.commit(tp, 4);
        assert.equal(await first.committed(tp), 4);
      } finally {
        await first.close();
      }
      const second = log.consumer({ groupId, topicPattern: pattern, listener: recordingListener() });
      const other = log.consumer({ groupId: uniqueName('g'), topicPattern: pattern, listener: recordingListener() });
      try {
        assert.equal(await second.committed(tp), 4);
        assert.equal(await other.committed(tp), null);
        const [resumed, fresh] = await pollUntil(
          [second, other],
          (seen) => seen[0].length >= 2 && seen[1].length >= 6,
          'both groups read their records',
        );
        assert.deepEqual(resumed.map((r) => r.offset), [4, 5]);
        assert.deepEqual(fresh.map((r) => r.offset), [0, 1, 2, 3, 4, 5]);
      } finally {
        await second.close();
        await other.close();
      }
    });

    test('two members of a group split the partitions and close() moves them to the survivor', async (log) => {
      const topic = uniqueName('split');
      const groupId = uniqueName('g');
      await log.createTopic(topic, 4);
      const all = keysOf([0, 1, 2, 3].map((partition) => ({ topic, partition })));
      const pattern = new RegExp(`^${topic}$`);
      const listenerA = recordingListener();
      const listenerB = recordingListener();
      const a = log.consumer({ groupId, topicPattern: pattern, listener: listenerA, memberId: 'a' });
      const b = log.consumer({ groupId, topicPattern: pattern, listener: listenerB, memberId: 'b' });
      try {
        await pollUntil([a, b], () => {
          const ka = keysOf(a.assignment());
          const kb = keysOf(b.assignment());
          const disjoint = ka.every((k) => !kb.includes(k));
          return ka.length > 0 && kb.length > 0 && disjoint && [...ka, ...kb].sort().join() === all.join();
        }, 'both members hold disjoint partitions covering the topic');
        const heldByA = a.assignment();
        const assignCallsBefore = listenerB.assigned.length;

        await a.close();
        const revokedByA = listenerA.revoked.flat().map(tpKey);
        for (const tp of heldByA) assert.ok(revokedByA.includes(tpKey(tp)), `onRevoke of a got ${tpKey(tp)}`);
        assert.deepEqual(a.assignment(), []);

        await pollUntil([b], () => keysOf(b.assignment()).join() === all.join(), 'the survivor holds every partition');
        const assignedLater = listenerB.assigned.slice(assignCallsBefore).flat().map(tpKey);
        for (const tp of heldByA) assert.ok(assignedLater.includes(tpKey(tp)), `onAssign of b got ${tpKey(tp)}`);

        await log.send(topic, heldByA.map((tp) => rec(tp.partition, `moved-${tp.partition}`)));
        const expected = heldByA.map((tp) => `moved-${tp.partition}`).sort();
        await pollUntil([b], (seen) => {
          const got = seen[0].map((r) => text(r.payload));
          return expected.every((p) => got.includes(p));
        }, 'the survivor reads the moved partitions');
      } finally {
        await a.close();
        await b.close();
      }
    });

    test('a consumer picks up topics created after it subscribed and drops deleted ones', async (log) => {
      const prefix = uniqueName('late');
      const topic = `${prefix}-a`;
      const unrelated = uniqueName('unrelated');
      const listener = recordingListener();
      const consumer = log.consumer({ groupId: uniqueName('g'), topicPattern: new RegExp(`^${prefix}-`), listener });
      try {
        assert.deepEqual(await consumer.poll(10, 200), []);
        await log.createTopic(topic, 2);
        await log.createTopic(unrelated, 1);
        await log.send(topic, [rec(1, 'late')]);
        await log.send(unrelated, [rec(0, 'not mine')]);
        const [records] = await pollUntil([consumer], (seen) => seen[0].length >= 1, 'the new topic is consumed');
        assert.deepEqual(records.map((r) => [r.topic, text(r.payload)]), [[topic, 'late']]);
        await pollUntil([consumer], () => consumer.assignment().length === 2, 'both partitions are assigned');
        assert.deepEqual(keysOf(consumer.assignment()), keysOf([{ topic, partition: 0 }, { topic, partition: 1 }]));
        assert.ok(listener.assigned.flat().some((tp) => tp.topic === topic));

        await log.deleteTopic(topic);
        const [after] = await pollUntil(
          [consumer],
          () => consumer.assignment().length === 0,
          'the deleted topic is revoked',
        );
        assert.ok(after.every((r) => r.topic !== unrelated));
        const revoked = listener.revoked.flat().map(tpKey);
        for (const partition of [0, 1]) {
          assert.ok(revoked.includes(tpKey({ topic, partition })), `onRevoke got partition ${partition}`);
        }
      } finally {
        await consumer.close();
      }
    });

    test('trim removes records before the offset and moves earliestOffset; offsets are never reused', async (log) => {
      const topic = uniqueName('trim');
      await log.createTopic(topic, 1);
      const tp = { topic, partition: 0 };
      await log.send(topic, recs(0, 'r', 10));
      await log.trim(tp, 4);
      assert.equal(await log.earliestOffset(tp), 4);
      assert.equal(await log.latestOffset(tp), 10);
      await log.trim(tp, 2);
      assert.equal(await log.earliestOffset(tp), 4, 'trimming below earliest changes nothing');
      await assert.rejects(log.trim(tp, 11), LogError);
      assert.equal(await log.latestOffset(tp), 10);

      const consumer = subscribe(log, topic);
      try {
        const [records] = await pollUntil([consumer], (seen) => seen[0].length >= 6, 'the remaining records arrived');
        assert.deepEqual(records.map((r) => r.offset), [4, 5, 6, 7, 8, 9]);
        assert.equal(text(records[0].payload), 'r4');
      } finally {
        await consumer.close();
      }
      await log.trim(tp, 10);
      assert.equal(await log.earliestOffset(tp), 10);
      assert.equal(await log.latestOffset(tp), 10);
      assert.deepEqual(await log.send(topic, [rec(0, 'after')]), [10]);
    });

    test('poll reports a position below earliestOffset instead of skipping; other partitions go on', async (log) => {
      const topic = uniqueName('gap');
      await log.createTopic(topic, 2);
      const p0 = { topic, partition: 0 };
      await log.send(topic, recs(0, 'a', 6));
      await log.send(topic, recs(1, 'b', 2));
      await log.trim(p0, 3);
      const listener = recordingListener();
      const consumer = subscribe(log, topic, listener);
      listener.afterAssign = (partitions) => {
        if (partitions.some((p) => tpKey(p) === tpKey(p0))) consumer.seek(p0, 0);
      };
      try {
        const { records, error } = await pollUntilError(consumer);
        assert.ok(error instanceof OffsetOutOfRangeError, `expected OffsetOutOfRangeError, got ${String(error)}`);
        assert.ok(error instanceof LogError && error.kind === 'invalid');
        assert.deepEqual(error.partition, p0);
        assert.equal(error.position, 0);
        assert.equal(error.earliest, 3);
        assert.match(error.message, new RegExp(`${topic}.*0`));

        const [more] = await pollUntil(
          [consumer],
          (seen) => records.length + seen[0].length >= 2,
          'the healthy partition is consumed',
        );
        records.push(...more);
        await consumer.poll(100, 300).then((batch) => records.push(...batch));
        assert.deepEqual(records.filter((r) => r.partition === 0), [], 'nothing of the trimmed partition is returned');
        assert.deepEqual(records.filter((r) => r.partition === 1).map((r) => r.offset), [0, 1]);

        consumer.seek(p0, await log.earliestOffset(p0));
        const [resumed] = await pollUntil([consumer], (seen) => seen[0].length >= 3, 'seek resumes the partition');
        assert.deepEqual(resumed.map((r) => [r.partition, r.offset]), [[0, 3], [0, 4], [0, 5]]);
      } finally {
        await consumer.close();
      }
    });

    test('poll reports a position beyond latestOffset', async (log) => {
      const topic = uniqueName('beyond');
      await log.createTopic(topic, 1);
      const tp = { topic, partition: 0 };
      await log.send(topic, [rec(0, 'only')]);
      const consumer = subscribe(log, topic);
      try {
        await pollUntil([consumer], (seen) => seen[0].length >= 1, 'the record arrived');
        consumer.seek(tp, 50);
        const { records, error } = await pollUntilError(consumer);
        assert.deepEqual(records, []);
        assert.ok(error instanceof OffsetOutOfRangeError, `expected OffsetOutOfRangeError, got ${String(error)}`);
        assert.equal(error.position, 50);
        assert.equal(error.latest, 1);
      } finally {
        await consumer.close();
      }
    });

    test('rejects a record larger than maxRecordBytes with too-large and writes nothing of the batch', async (log) => {
      const topic = uniqueName('large');
      await log.createTopic(topic, 1);
      const tp = { topic, partition: 0 };
      const max = log.maxRecordBytes();
      assert.ok(Number.isSafeInteger(max) && max > 0);
      await expectLogError(
        log.send(topic, [rec(0, 'fine'), { partition: 0, key: null, payload: new Uint8Array(max + 1) }]),
        'too-large',
      );
      assert.equal(await log.latestOffset(tp), 0);
      const biggest = new Uint8Array(max).fill(7);
      assert.deepEqual(await log.send(topic, [{ partition: 0, key: null, payload: biggest }]), [0]);
      const consumer = subscribe(log, topic);
      try {
        const [records] = await pollUntil([consumer], (seen) => seen[0].length >= 1, 'the largest record arrived');
        assert.equal(records[0].payload.byteLength, max);
        assert.ok(records[0].payload.every((b) => b === 7));
      } finally {
        await consumer.close();
      }
    });

    test('concurrent sends all get distinct, contiguous offsets', async (log) => {
      const topic = uniqueName('concurrent');
      await log.createTopic(topic, 1);
      const batches = Array.from({ length: 100 }, (_, i) =>
        Array.from({ length: (i % 3) + 1 }, (_, j) => rec(0, `s${i}-${j}`)),
      );
      const results = await Promise.all(batches.map((records) => log.send(topic, records)));
      const total = batches.reduce((n, b) => n + b.length, 0);
      const byOffset = new Map<number, string>();
      results.forEach((offsets, i) => {
        assert.equal(offsets.length, batches[i].length);
        for (let j = 1; j < offsets.length; j++) assert.ok(offsets[j] > offsets[j - 1], 'offsets of one send increase');
        offsets.forEach((offset, j) => byOffset.set(offset, `s${i}-${j}`));
      });
      assert.equal(byOffset.size, total, 'no offset was handed out twice');
      assert.deepEqual([...byOffset.keys()].sort((x, y) => x - y), Array.from({ length: total }, (_, i) => i));
      assert.equal(await log.latestOffset({ topic, partition: 0 }), total);

      const consumer = subscribe(log, topic);
      try {
        const [records] = await pollUntil([consumer], (seen) => seen[0].length >= total, 'all records arrived');
        for (const r of records) assert.equal(text(r.payload), byOffset.get(r.offset));
      } finally {
        await consumer.close();
      }
    });

    test('a closed consumer rejects poll, and a closed log rejects operations, with closed', async (log) => {
      const topic = uniqueName('closed');
      await log.createTopic(topic, 1);
      const consumer = subscribe(log, topic);
      await consumer.close();
      await consumer.close();
      await expectLogError(consumer.poll(10, 10), 'closed');
      await log.close();
      await log.close();
      await expectLogError(log.send(topic, [rec(0, 'late')]), 'closed');
      await expectLogError(log.createTopic(uniqueName('after-close'), 1), 'closed');
    });
  });
}
