/**
 * The Kafka adapter of the Log port (cluster shape), on @confluentinc/kafka-javascript
 * (librdkafka). A collection's shards are the partitions of its topic.
 *
 * One admin client (topics, offsets, trims, metadata) and one idempotent producer (producer.ts)
 * serve the whole log; every consumer() is its own group member (consumer.ts). librdkafka
 * settings and their reasons: options.ts.
 *
 * Failure semantics: every operation rejects with LogError. Unreachable brokers and timeouts are
 * 'unavailable' (sends within sendTimeoutMs, everything else within requestTimeoutMs); the
 * clients reconnect by themselves, so a later call succeeds once Kafka is back. Error messages
 * and logs never contain the SASL password.
 */
import { checkRecordBody } from '../common/record-checks.ts';
import {
  LogError,
  type ConsumerOptions,
  type Log,
  type LogConsumer,
  type OutgoingRecord,
  type TopicPartition,
} from '../../ports/log.ts';
import { KafkaAdmin } from './admin.ts';
import { KafkaLogConsumer } from './consumer.ts';
import { toLogError } from './errors.ts';
import { adminConfig, producerConfig, resolveOptions, type KafkaLogOptions, type ResolvedKafkaOptions } from './options.ts';
import { KafkaProducer } from './producer.ts';

export type { KafkaLogOptions, KafkaSecurityOptions } from './options.ts';

/** Kafka's legal topic names: 1-249 characters of [a-zA-Z0-9._-], not "." or "..". */
const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

/**
 * Connects to the brokers and answers the log. Rejects 'invalid' for bad options and
 * 'unavailable' when no broker answers within requestTimeoutMs.
 */
export async function openKafkaLog(options: KafkaLogOptions): Promise<Log> {
  const resolved = resolveOptions(options);
  const secrets = [resolved.security.password];
  const admin = new KafkaAdmin(adminConfig(resolved), resolved.requestTimeoutMs, resolved.replicationFactor, secrets);
  const producer = new KafkaProducer(producerConfig(resolved), { ...resolved, secrets });
  try {
    await producer.connect();
  } catch (err) {
    admin.close();
    await producer.close(0);
    throw toLogError(`connect to Kafka at ${resolved.brokers}`, err, 'unavailable', secrets);
  }
  resolved.logger.info('kafka log connected', { brokers: resolved.brokers, clientId: resolved.clientId });
  return new KafkaLog(resolved, admin, producer, secrets);
}

class KafkaLog implements Log {
  /** Partition counts of topics known to exist, for checking sends without a round trip. */
  private readonly partitions = new Map<string, number>();
  private readonly consumers = new Set<KafkaLogConsumer>();
  private readonly pending = new Set<Promise<unknown>>();
  private closing: Promise<void> | null = null;
  private closed = false;

  constructor(
    private readonly options: ResolvedKafkaOptions,
    private readonly admin: KafkaAdmin,
    private readonly producer: KafkaProducer,
    private readonly secrets: readonly (string | undefined)[],
  ) {}

  createTopic(topic: string, partitions: number): Promise<void> {
    return this.run(`create topic ${topic}`, async () => {
      checkTopic(topic);
      if (!Number.isSafeInteger(partitions) || partitions < 1 || partitions > 100_000) {
        throw new LogError(`invalid partition count ${String(partitions)}`, 'invalid');
      }
      await this.admin.createTopic(topic, partitions);
      this.partitions.set(topic, partitions);
    });
  }

  deleteTopic(topic: string): Promise<void> {
    return this.run(`delete topic ${topic}`, async () => {
      checkTopic(topic);
      this.partitions.delete(topic);
      await this.admin.deleteTopic(topic);
      this.partitions.delete(topic);
    });
  }

  listTopics(): Promise<string[]> {
    return this.run('list topics', () => this.admin.listTopics());
  }

  /**
   * Checks the whole batch (partitions exist, payloads within maxRecordBytes) before producing
   * anything, then produces it. Rejects 'unknown-topic', 'invalid', 'too-large', or
   * 'unavailable' after sendTimeoutMs.
   */
  send(topic: string, records: OutgoingRecord[]): Promise<number[]> {
    return this.run(`send to topic ${topic}`, async () => {
      checkTopic(topic);
      if (!Array.isArray(records)) throw new LogError('records must be an array', 'invalid');
      for (const r of records) checkRecord(r, this.options.maxRecordBytes);
      const count = await this.partitionCount(topic);
      const outside = records.find((r) => r.partition >= count);
      if (outside !== undefined) {
        throw new LogError(`partition ${outside.partition} does not exist in topic ${topic} (${count} partitions)`, 'invalid');
      }
      try {
        return await this.producer.send(topic, records);
      } catch (err) {
        if (err instanceof LogError && err.kind === 'unknown-topic') this.partitions.delete(topic);
        throw err;
      }
    });
  }

  earliestOffset(tp: TopicPartition): Promise<number> {
    return this.run('read offsets', async () => (await this.admin.range(checkTp(tp))).low);
  }

  latestOffset(tp: TopicPartition): Promise<number> {
    return this.run('read offsets', async () => (await this.admin.range(checkTp(tp))).high);
  }

  /** Rejects 'invalid' beyond latestOffset; at or below earliestOffset it changes nothing. */
  trim(tp: TopicPartition, offset: number): Promise<void> {
    return this.run('trim a partition', async () => {
      if (!Number.isSafeInteger(offset) || offset < 0) throw new LogError(`invalid trim offset ${offset}`, 'invalid');
      await this.admin.trim(checkTp(tp), offset);
    });
  }

  maxRecordBytes(): number {
    return this.options.maxRecordBytes;
  }

  consumer(options: ConsumerOptions): LogConsumer {
    if (this.closing !== null) throw new LogError('kafka log is closed', 'closed');
    const consumer = new KafkaLogConsumer(
      {
        options: this.options,
        admin: this.admin,
        secrets: this.secrets,
        partitionCount: (topic) => this.partitionCount(topic),
        forget: (c) => this.consumers.delete(c),
      },
      options,
    );
    this.consumers.add(consumer);
    return consumer;
  }

  /**
   * Closes every consumer (their onRevoke runs and may still use the log), waits for running
   * operations, flushes the producer (up to sendTimeoutMs) and releases the clients. Idempotent.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.allSettled([...this.consumers].map((c) => c.close()));
      this.closed = true;
      await Promise.allSettled([...this.pending]);
      await this.producer.close(this.options.sendTimeoutMs);
      this.admin.close();
    })();
    return this.closing;
  }

  /**
   * The topic's partition count: cached once seen (a topic deleted through this log is
   * forgotten), else read from the metadata. Rejects 'unknown-topic'.
   */
  private async partitionCount(topic: string): Promise<number> {
    const known = this.partitions.get(topic);
    if (known !== undefined) return known;
    const count = await this.admin.partitionCount(topic);
    if (count === null) throw new LogError(`unknown topic ${topic}`, 'unknown-topic');
    this.partitions.set(topic, count);
    return count;
  }

  /** Runs an operation while open, tracked for close; failures become LogErrors. */
  private run<T>(what: string, op: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new LogError('kafka log is closed', 'closed'));
    const promise = op().catch((err: unknown) => {
      throw toLogError(what, err, 'unavailable', this.secrets);
    });
    this.pending.add(promise);
    const forget = (): void => void this.pending.delete(promise);
    promise.then(forget, forget);
    return promise;
  }
}

function checkTopic(topic: unknown): asserts topic is string {
  if (typeof topic !== 'string' || !TOPIC_NAME.test(topic) || topic === '.' || topic === '..') {
    throw new LogError(`invalid topic name ${JSON.stringify(topic)}`, 'invalid');
  }
}

function checkTp(tp: TopicPartition): TopicPartition {
  checkTopic(tp?.topic);
  if (!Number.isSafeInteger(tp.partition) || tp.partition < 0) {
    throw new LogError(`invalid partition ${String(tp.partition)}`, 'invalid');
  }
  return tp;
}

/** Throws unless the record is well formed and its payload within `maxRecordBytes`. */
function checkRecord(record: OutgoingRecord, maxRecordBytes: number): void {
  if (!Number.isSafeInteger(record?.partition) || record.partition < 0) {
    throw new LogError(`invalid partition ${String(record?.partition)}`, 'invalid');
  }
  checkRecordBody(record, maxRecordBytes);
}
