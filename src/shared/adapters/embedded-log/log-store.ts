/**
 * The on-disk layout of the embedded log in one lmdb environment, and the transactions that
 * change it. Everything that must stay consistent (records and the partition end they advance,
 * a topic and its partitions) changes in one lmdb transaction, so a crash leaves either all or
 * none of it. This file knows nothing of consumers or the Log port's argument rules.
 *
 * Named databases and keys (ordered-binary, so arrays sort element by element):
 *   topics      name                    -> { id, partitions }
 *   partitions  [topicId, partition]    -> [start, next]  first stored offset, next offset to assign
 *   records     [topicId, partition, offset] -> record value (record-codec.ts), raw bytes
 *   commits     [topicId, partition, groupId] -> committed offset
 *   state       'nextTopicId'           -> next topic id to hand out
 *               ['purge', topicId]      -> true while a deleted topic's records are being removed
 *
 * Records are keyed by a numeric topic id, never reused, rather than by name: a topic deleted and
 * created again starts empty at offset 0 even while the old records are still being purged, and
 * one partition's records form one contiguous key range, so reads are a single cursor scan.
 */
import { open, type Database, type Key, type RootDatabase } from 'lmdb';
import { LogError, type LogRecord, type OutgoingRecord } from '../../ports/log.ts';
import { decodeRecordValue, encodeRecordValue } from './record-codec.ts';

/** Whether a commit waits for fsync ('fsync') or only hands the pages to the OS ('none'). */
export type SyncMode = 'fsync' | 'none';

export interface TopicEntry {
  name: string;
  /** Storage id of this incarnation of the topic; never reused. */
  id: number;
  partitions: number;
}

/** Stored offset range of a partition: records [start, next) may exist. */
export interface PartitionBounds {
  /** First offset still stored (earliest). */
  start: number;
  /** Offset the next appended record gets (latest). */
  next: number;
}

/** Outcome of createTopic: created, already there with the same count, or there with another. */
export type CreateOutcome = { kind: 'created' | 'exists' } | { kind: 'conflict'; partitions: number };

/** Keys removed per purge step; bounds the size of one write transaction. */
const PURGE_CHUNK = 10_000;

export class LogStore {
  private constructor(
    private readonly root: RootDatabase,
    private readonly topics: Database<{ id: number; partitions: number }, string>,
    private readonly partitions: Database<[number, number], Key>,
    private readonly records: Database<Uint8Array, Key>,
    private readonly commits: Database<number, Key>,
    private readonly state: Database<unknown, Key>,
  ) {}

  /** Opens (creating when missing) the environment in directory `path`. */
  static open(path: string, syncMode: SyncMode): LogStore {
    const root = open({
      path,
      maxDbs: 8,
      // Always a directory, even when the path has a dot in it.
      noSubdir: false,
      // Without overlapping sync a commit returns only after its pages are fsynced, so a
      // resolved write is durable and readers never see records that could still be lost.
      overlappingSync: false,
      noSync: syncMode === 'none',
    });
    return new LogStore(
      root,
      root.openDB({ name: 'topics' }),
      root.openDB({ name: 'partitions' }),
      root.openDB({ name: 'records', encoding: 'binary' }),
      root.openDB({ name: 'commits' }),
      root.openDB({ name: 'state' }),
    );
  }

  getTopic(name: string): TopicEntry | undefined {
    const entry = this.topics.get(name);
    return entry === undefined ? undefined : { name, id: entry.id, partitions: entry.partitions };
  }

  /** Every topic, sorted by name. */
  listTopics(): TopicEntry[] {
    const out: TopicEntry[] = [];
    for (const { key, value } of this.topics.getRange()) {
      out.push({ name: key, id: value.id, partitions: value.partitions });
    }
    return out;
  }

  /** The partition's stored range, or undefined when the topic (incarnation) no longer exists. */
  bounds(topicId: number, partition: number): PartitionBounds | undefined {
    const stored = this.partitions.get([topicId, partition]);
    return stored === undefined ? undefined : { start: stored[0], next: stored[1] };
  }

  async createTopic(name: string, partitions: number): Promise<CreateOutcome> {
    return this.root.transaction((): CreateOutcome => {
      const existing = this.topics.get(name);
      if (existing !== undefined) {
        return existing.partitions === partitions
          ? { kind: 'exists' }
          : { kind: 'conflict', partitions: existing.partitions };
      }
      const id = (this.state.get('nextTopicId') as number | undefined) ?? 1;
      this.state.put('nextTopicId', id + 1);
      this.topics.put(name, { id, partitions });
      for (let p = 0; p < partitions; p++) this.partitions.put([id, p], [0, 0]);
      return { kind: 'created' };
    });
  }

  /**
   * Makes the topic disappear (catalog, partition bounds, commits) in one transaction and marks
   * its records for purging. Answers the id to purge, or null when the topic did not exist.
   */
  async deleteTopic(name: string): Promise<number | null> {
    return this.root.transaction(() => {
      const existing = this.topics.get(name);
      if (existing === undefined) return null;
      const { id } = existing;
      this.topics.remove(name);
      for (let p = 0; p < existing.partitions; p++) this.partitions.remove([id, p]);
      for (const key of [...this.commits.getKeys({ start: [id], end: [id + 1] })]) {
        this.commits.remove(key);
      }
      this.state.put(['purge', id], true);
      return id;
    });
  }

  /** Ids of deleted topics whose records were not fully purged yet (e.g. after a crash). */
  pendingPurges(): number[] {
    const keys = [...this.state.getKeys({ start: ['purge'], end: ['purge', Number.MAX_SAFE_INTEGER] })];
    return keys.map((key) => (key as [string, number])[1]);
  }

  /** Removes every record of a deleted topic, then its purge mark. */
  async purgeTopic(topicId: number): Promise<void> {
    await this.purgeRange([topicId], [topicId + 1]);
    await this.state.remove(['purge', topicId]);
  }

  /**
   * Appends `records` to `topic` with consecutive offsets per partition, stamped `timestamp`.
   * Offsets are read and advanced inside the write transaction, so concurrent appends (even from
   * several processes) never share an offset. Resolves after the commit (durable in 'fsync'
   * mode) with the offsets in input order, or null when the topic was deleted meanwhile.
   */
  async append(topic: TopicEntry, records: readonly OutgoingRecord[], timestamp: number): Promise<number[] | null> {
    // Encoding happens before the transaction so the write lock is held only for the puts.
    const values = records.map((r) => encodeRecordValue({ timestamp, key: r.key, payload: r.payload }));
    return this.root.transaction(() => {
      if (this.topics.get(topic.name)?.id !== topic.id) return null;
      const ends = new Map<number, PartitionBounds>();
      const offsets: number[] = [];
      records.forEach((record, i) => {
        const bounds = ends.get(record.partition) ?? this.bounds(topic.id, record.partition)!;
        ends.set(record.partition, bounds);
        this.records.put([topic.id, record.partition, bounds.next], values[i]);
        offsets.push(bounds.next++);
      });
      for (const [partition, b] of ends) this.partitions.put([topic.id, partition], [b.start, b.next]);
      return offsets;
    });
  }

  /**
   * Moves a partition's start up to `offset` (records below become invisible at once) and then
   * removes them. Answers the bounds after the move, 'beyond' when offset > next, or null when
   * the topic no longer exists.
   */
  async trim(topic: TopicEntry, partition: number, offset: number): Promise<PartitionBounds | 'beyond' | null> {
    const outcome = await this.root.transaction(() => {
      if (this.topics.get(topic.name)?.id !== topic.id) return null;
      const b = this.bounds(topic.id, partition)!;
      if (offset > b.next) return 'beyond' as const;
      if (offset > b.start) this.partitions.put([topic.id, partition], [offset, b.next]);
      return { previousStart: b.start, start: Math.max(b.start, offset), next: b.next };
    });
    if (outcome === null || outcome === 'beyond') return outcome;
    await this.purgeRange([topic.id, partition, outcome.previousStart], [topic.id, partition, outcome.start]);
    return { start: outcome.start, next: outcome.next };
  }

  /** Removes records below each partition's start that a crash during trim left behind. */
  async purgeBelowStarts(): Promise<void> {
    for (const topic of this.listTopics()) {
      for (let p = 0; p < topic.partitions; p++) {
        const start = this.bounds(topic.id, p)?.start ?? 0;
        await this.purgeRange([topic.id, p], [topic.id, p, start]);
      }
    }
  }

  /**
   * Records [from, to) of one partition, at most `limit`, in offset order. Synchronous: lmdb
   * reads are memory-mapped and see every commit that has resolved.
   */
  readRecords(
    topic: Pick<TopicEntry, 'name' | 'id'>,
    partition: number,
    from: number,
    to: number,
    limit: number,
  ): LogRecord[] {
    const out: LogRecord[] = [];
    if (from >= to || limit <= 0) return out;
    const range = this.records.getRange({ start: [topic.id, partition, from], end: [topic.id, partition, to], limit });
    for (const { key, value } of range) {
      const decoded = decodeRecordValue(value);
      const offset = (key as [number, number, number])[2];
      out.push({ topic: topic.name, partition, offset, ...decoded });
    }
    return out;
  }

  committed(topicId: number, partition: number, groupId: string): number | null {
    return this.commits.get([topicId, partition, groupId]) ?? null;
  }

  /** Stores a group's committed offset; false when the topic was deleted meanwhile. */
  async commit(topic: TopicEntry, partition: number, groupId: string, offset: number): Promise<boolean> {
    return this.root.transaction(() => {
      if (this.topics.get(topic.name)?.id !== topic.id) return false;
      this.commits.put([topic.id, partition, groupId], offset);
      return true;
    });
  }

  /** Waits for queued writes, then closes the environment. */
  async close(): Promise<void> {
    await this.root.close();
  }

  /**
   * Removes the records in [start, end) in chunks, so a large purge never holds the write lock
   * for long. Only used on ranges nobody can read or write any more (below a partition's start,
   * or of a deleted topic id), so it needs no transaction around the chunks.
   */
  private async purgeRange(start: Key, end: Key): Promise<void> {
    for (;;) {
      const keys = [...this.records.getKeys({ start, end, limit: PURGE_CHUNK })];
      if (keys.length === 0) return;
      let last: Promise<boolean> | undefined;
      for (const key of keys) last = this.records.remove(key);
      await last;
    }
  }
}

/** Wraps a failure of lmdb (or anything unexpected below the Log API) as a retryable LogError. */
export function storeFailure(what: string, err: unknown): LogError {
  if (err instanceof LogError) return err;
  const detail = err instanceof Error ? `: ${err.message}` : '';
  return new LogError(`embedded log failed to ${what}${detail}`, 'unavailable', { cause: err });
}
