/**
 * Topic administration and offset queries on one librdkafka admin client: create/delete/list
 * topics, watermark offsets, record deletion (trim) and partition counts for the producer.
 *
 * Offsets are read from the partition leader on every call (ListOffsets), never cached, so
 * latestOffset reflects every acknowledged send: with acks=all a send is acknowledged only once
 * the high watermark covers it. Every call is bounded by the request timeout and rejects with
 * LogError ('unavailable' for timeouts and unreachable brokers).
 */
import rdkafka, { type IAdminClient, type ListOffsetsResult } from '@confluentinc/kafka-javascript';
import { LogError, type TopicPartition } from '../../ports/log.ts';
import { CODES, codeOf, toLogError, viaCallback } from './errors.ts';
import type { RdKafkaConfig } from './options.ts';

/** The stored offsets of a partition: `low` is the earliest, `high` the next to be written. */
export interface OffsetRange {
  low: number;
  high: number;
}

/** Pause (ms) between metadata reads while createTopic/deleteTopic wait for a change to show. */
const PROPAGATION_POLL_MS = 50;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Partition errors that pass once leadership settles (new topics, leader elections). */
const TRANSIENT = new Set<number>([
  CODES.ERR_LEADER_NOT_AVAILABLE,
  CODES.ERR_NOT_LEADER_FOR_PARTITION,
  CODES.ERR_REPLICA_NOT_AVAILABLE,
  CODES.ERR_FENCED_LEADER_EPOCH,
  CODES.ERR_UNKNOWN_LEADER_EPOCH,
  CODES.ERR_OFFSET_NOT_AVAILABLE,
  CODES.ERR_REQUEST_TIMED_OUT,
  CODES.ERR__TRANSPORT,
]);

const isTransient = (err: LogError): boolean => TRANSIENT.has(codeOf(err.cause) ?? 0);
/** Errors that mean the client's cached leader epoch is out of date. */
const STALE_EPOCH = new Set<number>([CODES.ERR_FENCED_LEADER_EPOCH, CODES.ERR_UNKNOWN_LEADER_EPOCH]);

/** The part of a metadata answer used here. */
interface ClusterMetadata {
  topics: Array<{ name: string; partitions: Array<{ leader: number }> }>;
}

/** The native admin client, with the metadata call its typings omit. */
type NativeAdmin = IAdminClient & {
  getMetadata(options: object, cb: (err: unknown, data: ClusterMetadata) => void): void;
};

export class KafkaAdmin {
  private readonly client: NativeAdmin;

  /**
   * @param timeoutMs bound of every request, in milliseconds
   * @param replicationFactor of created topics; -1 = the broker's default
   */
  constructor(
    config: RdKafkaConfig,
    private readonly timeoutMs: number,
    private readonly replicationFactor: number,
    private readonly secrets: readonly (string | undefined)[],
  ) {
    try {
      this.client = rdkafka.AdminClient.create(config as never) as NativeAdmin;
    } catch (err) {
      throw toLogError('create the Kafka admin client', err, 'invalid', secrets);
    }
  }

  /**
   * Creates the topic and waits (within the request timeout) until every partition has a leader
   * that serves offset requests. Succeeds when it exists with the same partition count; rejects
   * 'invalid' when it exists with another.
   * Records are stamped with the broker's append time (the port's "when the log accepted it").
   * With a replication factor of 3 or more, min.insync.replicas is 2, so an acknowledged
   * (acks=all) record is on at least two brokers; otherwise the broker's default applies.
   */
  async createTopic(topic: string, partitions: number): Promise<void> {
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      let existed = false;
      try {
        await this.call(`create topic ${topic}`, (cb) =>
          this.client.createTopic(
            {
              topic,
              num_partitions: partitions,
              replication_factor: this.replicationFactor,
              config: this.topicConfig(),
            },
            this.timeoutMs,
            cb,
          ),
        );
      } catch (err) {
        if (codeOf((err as LogError).cause) !== CODES.ERR_TOPIC_ALREADY_EXISTS) throw err;
        existed = true;
      }
      for (;;) {
        const found = await this.describe(topic);
        if (found !== null && existed && found.partitions !== partitions) {
          throw new LogError(`topic ${topic} exists with ${found.partitions} partitions, not ${partitions}`, 'invalid');
        }
        if (found !== null && found.partitions === partitions && found.led && (await this.servable(topic, partitions))) {
          return;
        }
        if (Date.now() > deadline) {
          throw new LogError(`topic ${topic} exists but its partitions have no leader yet`, 'unavailable');
        }
        await sleep(PROPAGATION_POLL_MS);
        // Reported as existing but not in the metadata: a deletion is finishing; create again.
        if (found === null && existed) break;
      }
    }
  }

  /** Deletes the topic and waits (bounded) until the metadata no longer lists it. Absent topics are fine. */
  async deleteTopic(topic: string): Promise<void> {
    try {
      await this.call(`delete topic ${topic}`, (cb) => this.client.deleteTopic(topic, this.timeoutMs, cb));
    } catch (err) {
      if (codeOf((err as LogError).cause) !== CODES.ERR_UNKNOWN_TOPIC_OR_PART) throw err;
    }
    const deadline = Date.now() + this.timeoutMs;
    while ((await this.describe(topic)) !== null && Date.now() < deadline) await sleep(PROPAGATION_POLL_MS);
  }

  /** Names of the topics, without Kafka's internal ones (names starting with "__"). */
  async listTopics(): Promise<string[]> {
    const topics = await this.call<string[]>('list topics', (cb) =>
      this.client.listTopics({ timeout: this.timeoutMs }, cb),
    );
    return topics.filter((t) => !t.startsWith('__')).sort();
  }

  /** The topic's partition count, or null when it does not exist. */
  async partitionCount(topic: string): Promise<number | null> {
    return (await this.describe(topic))?.partitions ?? null;
  }

  /**
   * Earliest and next offsets of one partition, retrying transient leadership errors within the
   * request timeout. Rejects 'unknown-topic' / 'invalid' for missing topics / partitions.
   */
  async range(tp: TopicPartition): Promise<OffsetRange> {
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      let found: OffsetRange | LogError | undefined;
      try {
        found = (await this.ranges([tp])).get(tpKey(tp));
      } catch (err) {
        found = toLogError(`read offsets of ${tpKey(tp)}`, err);
      }
      if (found !== undefined && !(found instanceof Error)) return found;
      const err = found ?? new LogError(`read offsets of ${tpKey(tp)}: no answer`, 'unavailable');
      if (!isTransient(err) || Date.now() > deadline) throw await this.explain(tp, err);
      // After a broker restart the partition's leader epoch is higher than the one the client
      // cached, and the offsets request keeps sending the cached one (FENCED_LEADER_EPOCH) until
      // something refreshes the metadata — tens of seconds of failed Strong reads otherwise.
      // A metadata request for the topic refreshes the cache.
      if (STALE_EPOCH.has(codeOf(err.cause) ?? 0)) await this.describe(tp.topic).catch(() => undefined);
      await sleep(PROPAGATION_POLL_MS);
    }
  }

  /**
   * Offset ranges of many partitions in two batched requests; a partition that failed maps to
   * its LogError instead. Rejects only when the requests as a whole failed.
   */
  async ranges(tps: readonly TopicPartition[]): Promise<Map<string, OffsetRange | LogError>> {
    const spec = (offset: unknown) => tps.map((tp) => ({ topic: tp.topic, partition: tp.partition, offset }));
    const list = (offset: unknown) =>
      this.call<ListOffsetsResult[]>('read offsets', (cb) =>
        this.client.listOffsets(spec(offset) as never, { timeout: this.timeoutMs }, cb),
      );
    const [lows, highs] = await Promise.all([list(rdkafka.OffsetSpec.EARLIEST), list(rdkafka.OffsetSpec.LATEST)]);
    const out = new Map<string, OffsetRange | LogError>();
    for (const low of lows) {
      const key = tpKey(low);
      const high = highs.find((h) => h.topic === low.topic && h.partition === low.partition);
      const failure = low.error ?? high?.error;
      if (failure || high === undefined) {
        out.set(key, toLogError(`read offsets of ${key}`, failure ?? new Error('no answer')));
      } else {
        out.set(key, { low: low.offset, high: high.offset });
      }
    }
    return out;
  }

  /**
   * Deletes records before `offset` (Kafka deleteRecords). Offsets at or below the earliest are a
   * no-op; beyond the latest rejects 'invalid'.
   */
  async trim(tp: TopicPartition, offset: number): Promise<void> {
    const what = `trim ${tpKey(tp)} to ${offset}`;
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      let results: Array<{ error?: unknown }>;
      try {
        results = await this.call(what, (cb) =>
          this.client.deleteRecords([{ ...tp, offset }], { timeout: this.timeoutMs, operationTimeout: this.timeoutMs }, cb),
        );
      } catch (err) {
        throw await this.explain(tp, err as LogError);
      }
      const failure = results[0]?.error;
      if (failure === undefined) return;
      if (codeOf(failure) === CODES.ERR_OFFSET_OUT_OF_RANGE) {
        throw new LogError(`cannot ${what}: beyond the latest offset`, 'invalid', { cause: failure });
      }
      const err = toLogError(what, failure);
      if (!isTransient(err) || Date.now() > deadline) throw await this.explain(tp, err);
      await sleep(PROPAGATION_POLL_MS);
    }
  }

  /** Releases the client. */
  close(): void {
    try {
      this.client.disconnect();
    } catch {
      // Already disconnected.
    }
  }

  /** Topic-level settings of created topics. */
  private topicConfig(): Record<string, string> {
    const config: Record<string, string> = { 'message.timestamp.type': 'LogAppendTime' };
    if (this.replicationFactor >= 3) config['min.insync.replicas'] = '2';
    return config;
  }

  /** Whether every partition of the topic answers offset requests. */
  private async servable(topic: string, partitions: number): Promise<boolean> {
    const tps = Array.from({ length: partitions }, (_, partition) => ({ topic, partition }));
    const ranges = await this.ranges(tps).catch(() => null);
    return ranges !== null && [...ranges.values()].every((r) => !(r instanceof Error)) && ranges.size === partitions;
  }

  /** Partition count and whether every partition has a leader; null when the topic is absent. */
  private async describe(topic: string): Promise<{ partitions: number; led: boolean } | null> {
    const metadata = await this.call<ClusterMetadata>(
      `read metadata of topic ${topic}`,
      (cb) => this.client.getMetadata({ topic, allTopics: false, timeout: this.timeoutMs }, cb),
    );
    const found = metadata.topics.find((t) => t.name === topic);
    if (found === undefined || found.partitions.length === 0) return null;
    return { partitions: found.partitions.length, led: found.partitions.every((p) => p.leader >= 0) };
  }

  /**
   * A precise error for a failed partition operation: 'unknown-topic' when the topic is gone,
   * 'invalid' when the partition does not exist, else the original error.
   */
  private async explain(tp: TopicPartition, err: LogError): Promise<LogError> {
    const count = await this.partitionCount(tp.topic).catch(() => undefined);
    if (count === null) return new LogError(`unknown topic ${tp.topic}`, 'unknown-topic', { cause: err });
    if (count !== undefined && (tp.partition < 0 || tp.partition >= count)) {
      return new LogError(`partition ${tp.partition} does not exist in topic ${tp.topic} (${count} partitions)`, 'invalid');
    }
    return err;
  }

  private call<T>(what: string, start: (cb: (err: unknown, value?: T) => void) => void): Promise<T> {
    return viaCallback<T>(what, start, this.secrets);
  }
}

/** "topic[partition]", the key of a partition in maps and messages. */
export function tpKey(tp: TopicPartition): string {
  return `${tp.topic}[${tp.partition}]`;
}
