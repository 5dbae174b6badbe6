/**
 * Kills a process that is appending to the embedded log (SIGKILL, no chance to flush or close)
 * and checks, after reopening, that every acknowledged record is there with its exact payload,
 * that each partition's offsets are contiguous, and that later appends never reuse an offset.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { it } from 'node:test';
import { openEmbeddedLog } from '../../src/shared/adapters/embedded-log/index.ts';
import type { Log, LogRecord } from '../../src/shared/ports/log.ts';
import { CRASH_PARTITIONS, CRASH_TOPIC, crashPayload, crashSeq } from '../fixtures/embedded-log-payload.ts';

const WRITER = fileURLToPath(new URL('../fixtures/embedded-log-writer.ts', import.meta.url));
const REPO = fileURLToPath(new URL('../..', import.meta.url));

interface Ack {
  seq: number;
  partition: number;
  offset: number;
}

/** Runs the writer until `runMs` after it is ready, SIGKILLs it, answers the acknowledged records. */
async function appendThenKill(path: string, firstSeq: number, runMs: number): Promise<Ack[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', WRITER, path, String(firstSeq)], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('close', (_code, signal) => resolve(signal)));
  const deadline = Date.now() + 15_000;
  while (!stdout.startsWith('ready\n')) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      assert.fail(`writer did not start: ${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await new Promise((resolve) => setTimeout(resolve, runMs));
  child.kill('SIGKILL');
  assert.equal(await exited, 'SIGKILL', `writer ended on its own: ${stderr}`);
  // Only complete lines count: the kill may cut the last one.
  const lines = stdout.split('\n').slice(1, -1);
  return lines.map((line) => {
    const [seq, partition, offset] = line.split(' ').map(Number);
    return { seq, partition, offset };
  });
}

/** Every record of every partition, read through a consumer from the earliest offsets. */
async function readAll(log: Log): Promise<LogRecord[][]> {
  const latest: number[] = [];
  for (let partition = 0; partition < CRASH_PARTITIONS; partition++) {
    latest.push(await log.latestOffset({ topic: CRASH_TOPIC, partition }));
  }
  const total = latest.reduce((a, b) => a + b, 0);
  const consumer = log.consumer({
    groupId: `verify-${Date.now()}`,
    topicPattern: new RegExp(`^${CRASH_TOPIC}$`),
    listener: { onAssign: async () => undefined, onRevoke: async () => undefined },
  });
  const out: LogRecord[][] = latest.map(() => []);
  try {
    for (let read = 0; read < total; ) {
      const batch = await consumer.poll(10_000, 2000);
      assert.ok(batch.length > 0, `reading stopped after ${read} of ${total} records`);
      for (const record of batch) out[record.partition].push(record);
      read += batch.length;
    }
    assert.deepEqual(await consumer.poll(10, 50), [], 'no records beyond latestOffset');
  } finally {
    await consumer.close();
  }
  return out;
}

/** Checks the log against the acknowledgements; answers the latest offset per partition. */
async function verify(path: string, acks: readonly Ack[]): Promise<number[]> {
  const log = await openEmbeddedLog({ path });
  try {
    const all = await readAll(log);
    const latest: number[] = [];
    for (let partition = 0; partition < CRASH_PARTITIONS; partition++) {
      const records = all[partition];
      latest.push(records.length);
      assert.equal(await log.earliestOffset({ topic: CRASH_TOPIC, partition }), 0);
      assert.equal(await log.latestOffset({ topic: CRASH_TOPIC, partition }), records.length);
      records.forEach((record, i) => {
        assert.equal(record.offset, i, `partition ${partition} offsets are contiguous`);
        const seq = crashSeq(record.payload);
        assert.ok(seq !== null, `partition ${partition} offset ${i} holds a writer payload`);
        assert.equal(seq % CRASH_PARTITIONS, partition);
        assert.deepEqual(record.payload, crashPayload(seq));
      });
      for (const ack of acks.filter((a) => a.partition === partition)) {
        const record = records[ack.offset];
        assert.ok(record !== undefined, `acknowledged ${partition}/${ack.offset} (seq ${ack.seq}) is missing`);
        assert.deepEqual(record.payload, crashPayload(ack.seq), `payload of ${partition}/${ack.offset}`);
      }
    }
    return latest;
  } finally {
    await log.close();
  }
}

it('acknowledged appends survive SIGKILL of the writing process', { timeout: 60_000 }, async () => {
  const path = await mkdtemp(join(tmpdir(), 'quiver-embedded-log-crash-'));
  try {
    const firstRun = await appendThenKill(path, 0, 1000);
    assert.ok(firstRun.length >= 50, `only ${firstRun.length} records were acknowledged`);
    const afterFirst = await verify(path, firstRun);

    // A second writer on the recovered log continues the offsets; none is handed out twice.
    const nextSeq = Math.max(...firstRun.map((a) => a.seq)) + 1000;
    const secondRun = await appendThenKill(path, nextSeq, 500);
    assert.ok(secondRun.length >= 10, `only ${secondRun.length} records were acknowledged`);
    for (const ack of secondRun) {
      assert.ok(ack.offset >= afterFirst[ack.partition], `offset ${ack.partition}/${ack.offset} was reused`);
    }
    await verify(path, [...firstRun, ...secondRun]);
  } finally {
    await rm(path, { recursive: true, force: true });
  }
});
