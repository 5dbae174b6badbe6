/**
 * A consumer-group member of the embedded log. Rebalances are applied inside poll (and close),
 * like Kafka's: partitions taken away are removed and passed to onRevoke, then partitions handed
 * over are added and passed to onAssign; only after onAssign returned do they get a position
 * (the listener's seek, else the group's committed offset, else the earliest offset).
 * A partition is handed over only once its previous owner's onRevoke finished (group-registry.ts).
 */
import {
  LogError,
  OffsetOutOfRangeError,
  type ConsumerOptions,
  type LogConsumer,
  type LogRecord,
  type TopicPartition,
} from '../../ports/log.ts';
import type { GroupPartition } from './assignment.ts';
import type { ChangeSignal } from './change-signal.ts';
import type { GroupMember, GroupRegistry } from './group-registry.ts';
import { storeFailure, type LogStore } from './log-store.ts';
import { checkGroupId, checkOffset, checkTopicName } from './validation.ts';

/** What a consumer needs from the log that created it. */
export interface ConsumerContext {
  store: LogStore;
  registry: GroupRegistry;
  signal: ChangeSignal;
  /** Called once the consumer has left its group, so the log stops tracking it. */
  forget(consumer: EmbeddedConsumer): void;
}

interface Held {
  gp: GroupPartition;
  /** Next offset to read; null until onAssign returned. */
  position: number | null;
  /** Set when the position fell out of range; cleared by seek. */
  stalled: boolean;
}

export class EmbeddedConsumer implements LogConsumer {
  private readonly member: GroupMember;
  private readonly held = new Map<string, Held>();
  /** Set when close() starts: poll stops. */
  private leaving = false;
  /** Set when close() finished: everything stops (commits still work inside the final onRevoke). */
  private closed = false;
  private closing: Promise<void> | null = null;
  private inFlight: Promise<unknown> | null = null;
  /** Where the next poll starts reading, so no partition starves the others. */
  private rotation = 0;

  constructor(
    private readonly ctx: ConsumerContext,
    private readonly options: ConsumerOptions,
  ) {
    checkGroupId(options.groupId);
    if (!(options.topicPattern instanceof RegExp)) throw new LogError('topicPattern must be a RegExp', 'invalid');
    // A private copy without g/y: those flags make test() stateful across calls.
    const pattern = new RegExp(options.topicPattern.source, options.topicPattern.flags.replace(/[gy]/g, ''));
    this.member = {
      groupId: options.groupId,
      joinSeq: ctx.registry.takeJoinSeq(),
      matches: (topic) => pattern.test(topic),
      target: new Map(),
      lastSeen: Date.now(),
      polling: false,
    };
    ctx.registry.join(this.member);
  }

  /** Identity for diagnostics: the given memberId, else group and join order. */
  get memberId(): string {
    return this.options.memberId ?? `${this.options.groupId}#${this.member.joinSeq}`;
  }

  /**
   * Up to maxRecords records, in offset order per partition; waits up to maxWaitMs (woken by
   * appends and rebalances, not by sleeping) and answers [] when nothing came. Rejects with
   * OffsetOutOfRangeError when a partition's position lies outside its stored records, with
   * LogError 'closed' once closed, and 'invalid' when another poll of this consumer is running.
   * A poll running when close() is called answers [].
   */
  async poll(maxRecords: number, maxWaitMs: number): Promise<LogRecord[]> {
    if (this.leaving) throw new LogError(`consumer ${this.memberId} is closed`, 'closed');
    if (this.inFlight !== null) throw new LogError('poll is already running on this consumer', 'invalid');
    if (!Number.isSafeInteger(maxRecords) || maxRecords < 1) {
      throw new LogError(`invalid maxRecords ${maxRecords}`, 'invalid');
    }
    if (!(maxWaitMs >= 0)) throw new LogError(`invalid maxWaitMs ${maxWaitMs}`, 'invalid');
    this.member.polling = true;
    const run = this.pollLoop(maxRecords, Date.now() + maxWaitMs);
    this.inFlight = run;
    try {
      return await run;
    } finally {
      this.inFlight = null;
      this.member.polling = false;
      this.member.lastSeen = Date.now();
    }
  }

  /** Next poll of that partition starts at offset; also clears an out-of-range stall. */
  seek(tp: TopicPartition, offset: number): void {
    if (this.leaving) throw new LogError(`consumer ${this.memberId} is closed`, 'closed');
    checkOffset(offset, 'seek offset');
    const held = [...this.held.values()].find((h) => h.gp.topic === tp.topic && h.gp.partition === tp.partition);
    if (held === undefined) {
      throw new LogError(`cannot seek ${tp.topic}[${tp.partition}]: not assigned to ${this.memberId}`, 'invalid');
    }
    held.position = offset;
    held.stalled = false;
  }

  /** Durably stores the group's next offset for tp. Rejects 'unknown-topic' for a missing topic. */
  async commit(tp: TopicPartition, offset: number): Promise<void> {
    if (this.closed) throw new LogError(`consumer ${this.memberId} is closed`, 'closed');
    checkTopicName(tp.topic);
    checkOffset(offset, 'commit offset');
    const topic = this.ctx.store.getTopic(tp.topic);
    if (topic === undefined || !(tp.partition >= 0 && tp.partition < topic.partitions)) {
      throw new LogError(`unknown topic partition ${tp.topic}[${tp.partition}]`, 'unknown-topic');
    }
    let stored: boolean;
    try {
      stored = await this.ctx.store.commit(topic, tp.partition, this.options.groupId, offset);
    } catch (err) {
      throw storeFailure('commit an offset', err);
    }
    if (!stored) throw new LogError(`topic ${tp.topic} was deleted`, 'unknown-topic');
  }

  /** The group's committed offset for tp, or null (never committed, or no such topic). */
  async committed(tp: TopicPartition): Promise<number | null> {
    if (this.closed) throw new LogError(`consumer ${this.memberId} is closed`, 'closed');
    checkTopicName(tp.topic);
    const topic = this.ctx.store.getTopic(tp.topic);
    if (topic === undefined) return null;
    return this.ctx.store.committed(topic.id, tp.partition, this.options.groupId);
  }

  /** Partitions held now, sorted by topic then partition. */
  assignment(): TopicPartition[] {
    return [...this.held.values()].map((h) => toTp(h.gp)).sort(compareTp);
  }

  /**
   * Waits for a running poll, revokes what is held (onRevoke, which may still commit), leaves the
   * group. Idempotent.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.leaving = true;
      this.ctx.signal.notify();
      await this.inFlight?.catch(() => undefined);
      const keys = [...this.held.keys()];
      const tps = [...this.held.values()].map((h) => toTp(h.gp)).sort(compareTp);
      this.held.clear();
      try {
        if (tps.length > 0) await this.options.listener.onRevoke(tps);
      } finally {
        this.closed = true;
        this.ctx.registry.release(this.member, keys);
        this.ctx.registry.leave(this.member);
        this.ctx.forget(this);
      }
    })();
    return this.closing;
  }

  private async pollLoop(maxRecords: number, deadline: number): Promise<LogRecord[]> {
    for (;;) {
      if (this.leaving) return [];
      await this.reconcile();
      if (this.leaving) return [];
      // From here to the wait below runs without yielding, so no append notification is missed.
      let records: LogRecord[];
      try {
        records = this.readAvailable(maxRecords);
      } catch (err) {
        throw storeFailure('read records', err);
      }
      if (records.length > 0) return records;
      const remaining = deadline - Date.now();
      if (remaining <= 0) return [];
      await this.ctx.signal.wait(remaining);
      this.member.lastSeen = Date.now();
    }
  }

  /** Applies target changes until the held set matches what this member may hold. */
  private async reconcile(): Promise<void> {
    const { registry } = this.ctx;
    while (!this.leaving) {
      const lost = [...this.held.keys()].filter(
        (k) => !this.member.target.has(k) || !registry.owns(this.member, k),
      );
      if (lost.length > 0) {
        const tps = lost.map((k) => toTp(this.held.get(k)!.gp)).sort(compareTp);
        for (const k of lost) this.held.delete(k);
        try {
          await this.options.listener.onRevoke(tps);
        } finally {
          registry.release(this.member, lost);
        }
        continue;
      }
      const now = Date.now();
      const gained = [...this.member.target].filter(
        ([k]) => !this.held.has(k) && registry.tryAcquire(this.member, k, now),
      );
      if (gained.length === 0) return;
      for (const [k, gp] of gained) this.held.set(k, { gp, position: null, stalled: false });
      try {
        await this.options.listener.onAssign(gained.map(([, gp]) => toTp(gp)).sort(compareTp));
      } finally {
        this.resolvePositions();
      }
    }
  }

  /** Positions not set by the listener start at the committed offset, else the earliest. */
  private resolvePositions(): void {
    for (const h of this.held.values()) {
      if (h.position !== null) continue;
      const { store } = this.ctx;
      const committed = store.committed(h.gp.topicId, h.gp.partition, this.options.groupId);
      h.position = committed ?? store.bounds(h.gp.topicId, h.gp.partition)?.start ?? 0;
    }
  }

  /** Reads what is there without waiting; throws before reading anything if a position is out of range. */
  private readAvailable(maxRecords: number): LogRecord[] {
    const { store } = this.ctx;
    const live: Array<{ h: Held; next: number }> = [];
    for (const h of this.held.values()) {
      if (h.stalled || h.position === null) continue;
      const bounds = store.bounds(h.gp.topicId, h.gp.partition);
      // Missing bounds: the topic was just deleted; the revocation follows on the next reconcile.
      if (bounds === undefined) continue;
      if (h.position < bounds.start || h.position > bounds.next) {
        h.stalled = true;
        throw new OffsetOutOfRangeError(toTp(h.gp), h.position, bounds.start, bounds.next);
      }
      if (h.position < bounds.next) live.push({ h, next: bounds.next });
    }
    const out: LogRecord[] = [];
    const start = live.length === 0 ? 0 : this.rotation++ % live.length;
    for (let i = 0; i < live.length && out.length < maxRecords; i++) {
      const { h, next } = live[(start + i) % live.length];
      const records = store.readRecords(
        { name: h.gp.topic, id: h.gp.topicId },
        h.gp.partition,
        h.position!,
        next,
        maxRecords - out.length,
      );
      if (records.length > 0) h.position = records[records.length - 1].offset + 1;
      out.push(...records);
    }
    return out;
  }
}

function toTp(gp: GroupPartition): TopicPartition {
  return { topic: gp.topic, partition: gp.partition };
}

function compareTp(a: TopicPartition, b: TopicPartition): number {
  return a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition;
}
