/**
 * The Log contract against a real Kafka broker (`npm run services:up` starts one and writes
 * .quiver/services.env; without it this file fails, it does not skip), plus what only the Kafka
 * adapter promises: the claim-check boundary at maxRecordBytes with incompressible payloads,
 * option checks, and no secret in errors or logs.
 */
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { openKafkaLog, type KafkaLogOptions } from '../../src/shared/adapters/kafka/index.ts';
import type { Logger } from '../../src/shared/logger.ts';
import { LogError, type Log } from '../../src/shared/ports/log.ts';
import { servicesEnv } from '../helpers/services-env.ts';
import { runLogContract } from '../contracts/log-contract.ts';

/** The brokers, or why there are none; every test fails with that reason (never skips). */
let brokersOrError: string | Error | undefined;
/** Set once a connection failed, so the other tests fail at once instead of waiting again. */
let unreachable: Error | undefined;
/** Deletes the topics each test created, so runs do not pile up topics on the shared broker. */
let janitor: Log | undefined;

/** The brokers from .quiver/services.env; throws with instructions when services are not up. */
function brokers(): string {
  if (brokersOrError === undefined) {
    try {
      const env = servicesEnv();
      const port = env.QUIVER_TEST_KAFKA_PORT;
      brokersOrError = env.QUIVER_KAFKA_BROKERS ?? (port ? `127.0.0.1:${port}` : undefined);
      brokersOrError ??= new Error('.quiver/services.env names no Kafka broker: run `npm run services:up`');
    } catch (err) {
      brokersOrError = err as Error;
    }
  }
  if (brokersOrError instanceof Error) throw brokersOrError;
  return brokersOrError;
}

async function openLog(options: Partial<KafkaLogOptions> = {}): Promise<Log> {
  if (unreachable) throw unreachable;
  try {
    return await openKafkaLog({ brokers: brokers(), clientId: 'quiver-contract', ...options });
  } catch (err) {
    if (err instanceof LogError && err.kind === 'unavailable') {
      unreachable = new Error(`Kafka at ${brokers()} does not answer: run \`npm run services:up\``, { cause: err });
      throw unreachable;
    }
    throw err;
  }
}

/** A Log that remembers the topics created through it. */
function tracking(log: Log, created: Set<string>): Log {
  return {
    createTopic: (topic, partitions) => {
      created.add(topic);
      return log.createTopic(topic, partitions);
    },
    deleteTopic: (topic) => log.deleteTopic(topic),
    listTopics: () => log.listTopics(),
    send: (topic, records) => log.send(topic, records),
    earliestOffset: (tp) => log.earliestOffset(tp),
    latestOffset: (tp) => log.latestOffset(tp),
    trim: (tp, offset) => log.trim(tp, offset),
    maxRecordBytes: () => log.maxRecordBytes(),
    consumer: (options) => log.consumer(options),
    close: () => log.close(),
  };
}

async function removeTopics(topics: Set<string>): Promise<void> {
  if (topics.size === 0) return;
  janitor ??= await openLog();
  await Promise.allSettled([...topics].map((t) => janitor!.deleteTopic(t)));
}

describe('kafka log', () => {
  after(async () => {
    await janitor?.close();
  });

  const contractLog = (options: Partial<KafkaLogOptions>) => async () => {
    const created = new Set<string>();
    const log = await openLog(options);
    return {
      log: tracking(log, created),
      cleanup: async () => {
        await log.close();
        await removeTopics(created);
      },
    };
  };
  runLogContract('kafka', contractLog({}));
  // Groups that fall back to the eager protocol: every rebalance revokes everything first.
  runLogContract('kafka, eager rebalancing', contractLog({ assignor: 'range' }));

  describe('kafka adapter', () => {
    it('accepts a record of exactly maxRecordBytes and rejects one byte more (claim-check boundary)', async () => {
      const log = await openLog();
      const topic = `kt-boundary-${randomUUID().slice(0, 8)}`;
      try {
        const max = log.maxRecordBytes();
        assert.equal(max, 900 * 1024, 'the default stays below the broker message.max.bytes of 1 MiB');
        await log.createTopic(topic, 1);
        const tp = { topic, partition: 0 };
        // Random bytes do not compress: the broker sees the full size.
        const biggest = new Uint8Array(randomBytes(max));
        const key = new TextEncoder().encode('k');
        await assert.rejects(
          log.send(topic, [{ partition: 0, key, payload: new Uint8Array(max + 1) }]),
          (err: unknown) => err instanceof LogError && err.kind === 'too-large',
        );
        assert.equal(await log.latestOffset(tp), 0, 'nothing was written');
        const three = [0, 1, 2].map(() => ({ partition: 0, key, payload: biggest }));
        assert.deepEqual(await log.send(topic, three), [0, 1, 2], 'several maximal records in one send');
        const consumer = log.consumer({ groupId: `kt-g-${randomUUID()}`, topicPattern: new RegExp(`^${topic}$`), listener: quiet });
        try {
          const got = [];
          const deadline = Date.now() + 30_000;
          while (got.length < 3 && Date.now() < deadline) got.push(...(await consumer.poll(10, 200)));
          assert.deepEqual(got.map((r) => r.offset), [0, 1, 2]);
          for (const r of got) assert.ok(Buffer.from(r.payload).equals(Buffer.from(biggest)), 'payload intact');
        } finally {
          await consumer.close();
        }
      } finally {
        await log.deleteTopic(topic).catch(() => undefined);
        await log.close();
      }
    });

    it('rejects bad options with invalid, naming the key', async () => {
      const expectInvalid = async (options: Partial<KafkaLogOptions>, key: string) => {
        await assert.rejects(openKafkaLog({ brokers: brokers(), ...options } as KafkaLogOptions), (err: unknown) => {
          assert.ok(err instanceof LogError && err.kind === 'invalid', String(err));
          assert.match(err.message, new RegExp(key.replace('.', '\\.')));
          return true;
        });
      };
      await expectInvalid({ brokers: '' }, 'brokers');
      await expectInvalid({ brokers: 'no-port' }, 'brokers');
      await expectInvalid({ maxRecordBytes: 0 }, 'maxRecordBytes');
      await expectInvalid({ lingerMs: -1 }, 'lingerMs');
      await expectInvalid({ security: { protocol: 'sasl_plaintext', saslMechanism: 'PLAIN', username: 'u' } }, 'security.password');
      await expectInvalid({ security: { protocol: 'plaintext', caFile: '/x.pem' } }, 'security.caFile');
    });

    it('fails with unavailable when no broker answers, and never shows the password', async () => {
      const password = `pw-${randomUUID()}`;
      const lines: string[] = [];
      const logger: Logger = {
        info: (msg, fields) => void lines.push(JSON.stringify({ msg, ...fields })),
        warn: (msg, fields) => void lines.push(JSON.stringify({ msg, ...fields })),
        error: (msg, fields) => void lines.push(JSON.stringify({ msg, ...fields })),
      };
      const started = Date.now();
      await assert.rejects(
        openKafkaLog({
          brokers: '127.0.0.1:1',
          requestTimeoutMs: 1500,
          security: { protocol: 'sasl_plaintext', saslMechanism: 'SCRAM-SHA-256', username: 'quiver', password },
          logger,
        }),
        (err: unknown) => {
          assert.ok(err instanceof LogError && err.kind === 'unavailable', String(err));
          assert.ok(!err.message.includes(password), err.message);
          assert.ok(!String(err.cause).includes(password));
          return true;
        },
      );
      assert.ok(Date.now() - started < 15_000, 'bounded by requestTimeoutMs');
      for (const line of lines) assert.ok(!line.includes(password), line);
    });
  });
});

const quiet = { onAssign: async () => undefined, onRevoke: async () => undefined };
