/**
 * Log port: the write-ahead log. A topic has a fixed number of partitions (a collection's shards);
 * each partition is an append-only sequence of records numbered by offset from 0.
 * Adapters: embedded (durable on local disk), kafka.
 */

/** One record as stored in a partition. */
export interface LogRecord {
  topic: string;
  partition: number;
  /** Position in the partition, 0-based, strictly increasing. */
  offset: number;
  /** Milliseconds since the epoch when the log accepted the record. */
  timestamp: number;
  key: Uint8Array | null;
  payload: Uint8Array;
}

export interface TopicPartition {
  topic: string;
  partition: number;
}

export interface OutgoingRecord {
  partition: number;
  key: Uint8Array | null;
  payload: Uint8Array;
}

/**
 * Called on group rebalance. onAssign must finish (usually with seeks) before polling resumes.
 * onRevoke receives the partitions taken away from this member and onAssign the ones added to it
 * (an eager protocol may revoke and re-add the whole assignment); assignment() is the full set.
 */
export interface RebalanceListener {
  onAssign(partitions: TopicPartition[]): Promise<void>;
  onRevoke(partitions: TopicPartition[]): Promise<void>;
}

export interface ConsumerOptions {
  /** Consumers sharing a groupId split the partitions between them. */
  groupId: string;
  /** Topics whose name matches are consumed, including topics created later. */
  topicPattern: RegExp;
  listener: RebalanceListener;
  /** Stable identity of this member, for logs. */
  memberId?: string;
}

export interface LogConsumer {
  /**
   * Next records of the assigned partitions, in offset order per partition; waits up to maxWaitMs
   * when none are ready and returns [] then. Rebalance callbacks run inside poll.
   * A partition whose position lies below earliestOffset (trimmed) or beyond latestOffset is never
   * skipped silently: poll rejects with OffsetOutOfRangeError naming it, and that partition yields
   * nothing until seek() moves it; the other partitions keep being consumed.
   */
  poll(maxRecords: number, maxWaitMs: number): Promise<LogRecord[]>;
  /** Next poll of that partition starts at offset. Only for assigned partitions. */
  seek(tp: TopicPartition, offset: number): void;
  /** Records `offset` as the group's next offset to read. Advisory (lag), not the source of truth. */
  commit(tp: TopicPartition, offset: number): Promise<void>;
  /** The group's committed next offset, or null when it never committed. */
  committed(tp: TopicPartition): Promise<number | null>;
  assignment(): TopicPartition[];
  /** Leaves the group (partitions move to other members). Idempotent. */
  close(): Promise<void>;
}

export interface Log {
  /** Creates the topic with that many partitions; succeeds when it exists with the same count. */
  createTopic(topic: string, partitions: number): Promise<void>;
  /** Deletes the topic and its records; succeeds when it does not exist. */
  deleteTopic(topic: string): Promise<void>;
  listTopics(): Promise<string[]>;
  /**
   * Appends records durably and answers their offsets, in input order. Resolves only after the
   * records survive a crash of this process (fsync / acks=all). Rejects with LogError.
   */
  send(topic: string, records: OutgoingRecord[]): Promise<number[]>;
  /** The first offset still stored (retention/trim may have removed earlier ones). */
  earliestOffset(tp: TopicPartition): Promise<number>;
  /** The offset the next appended record will get (the log end offset / high watermark). */
  latestOffset(tp: TopicPartition): Promise<number>;
  /** Removes records before `offset` (Kafka deleteRecords). Never beyond latestOffset. */
  trim(tp: TopicPartition, offset: number): Promise<void>;
  /** Largest payload (bytes) one record may carry; larger batches need a claim check. */
  maxRecordBytes(): number;
  consumer(options: ConsumerOptions): LogConsumer;
  /** Flushes and releases resources. Idempotent. */
  close(): Promise<void>;
}

/** The log rejected or could not complete an operation. */
export class LogError extends Error {
  constructor(
    message: string,
    readonly kind: 'unknown-topic' | 'too-large' | 'unavailable' | 'closed' | 'invalid',
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'LogError';
  }
}

/** A consumer's position lies outside the records a partition still stores; seek to recover. */
export class OffsetOutOfRangeError extends LogError {
  constructor(
    readonly partition: TopicPartition,
    readonly position: number,
    readonly earliest: number,
    readonly latest: number,
  ) {
    super(
      `offset ${position} out of range for ${partition.topic}[${partition.partition}] ` +
        `(earliest ${earliest}, latest ${latest})`,
      'invalid',
    );
    this.name = 'OffsetOutOfRangeError';
  }
}
