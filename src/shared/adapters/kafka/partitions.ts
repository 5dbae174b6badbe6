/**
 * What a consumer knows about each partition it holds: where the next poll continues (the
 * position), whether that position still has to be applied to librdkafka or checked against the
 * log's bounds, and whether the partition is stalled at an out-of-range position.
 *
 * Positions are tracked here, not read back from librdkafka: librdkafka prefetches ahead of what
 * poll has returned, and after a seek records fetched before it may still be on their way. So
 * every fetched record is checked against the partition's position and reset sequence before it
 * is returned (accept), which makes "seek takes effect" and "nothing of a revoked or stalled
 * partition is returned" hold regardless of librdkafka's internal queues.
 */
import type { Message } from '@confluentinc/kafka-javascript';
import type { LogRecord, TopicPartition } from '../../ports/log.ts';
import { tpKey } from './admin.ts';

/**
 * assigning: onAssign runs, nothing is fetched yet; active: fetched and returned;
 * stalled: the position is out of range, nothing is returned until a seek.
 */
export type Phase = 'assigning' | 'active' | 'stalled';

export interface PartitionState {
  readonly tp: TopicPartition;
  readonly key: string;
  phase: Phase;
  /** Next offset poll returns; null = the earliest stored offset, not resolved yet. */
  position: number | null;
  /** Value of the table's sequence at the last seek; records fetched before it are stale. */
  resetSeq: number;
  /** A seek that librdkafka has not applied yet. */
  seekPending: boolean;
  /** The position was set explicitly (seek, committed offset) and not yet found within bounds. */
  unverified: boolean;
  /** Records were returned since the last periodic range check. */
  progressed: boolean;
}

export class PartitionTable {
  private readonly states = new Map<string, PartitionState>();
  private seq = 0;

  get(tp: TopicPartition): PartitionState | undefined {
    return this.states.get(tpKey(tp));
  }

  list(): PartitionState[] {
    return [...this.states.values()];
  }

  get size(): number {
    return this.states.size;
  }

  /** The current reset sequence; snapshot it before a fetch and pass it to accept(). */
  sequence(): number {
    return this.seq;
  }

  /** Starts tracking newly assigned partitions (phase assigning, no position). */
  add(tps: readonly TopicPartition[]): PartitionState[] {
    return tps.map((tp) => {
      const state: PartitionState = {
        tp: { topic: tp.topic, partition: tp.partition },
        key: tpKey(tp),
        phase: 'assigning',
        position: null,
        resetSeq: ++this.seq,
        seekPending: false,
        unverified: false,
        progressed: false,
      };
      this.states.set(state.key, state);
      return state;
    });
  }

  /** Stops tracking the given partitions; answers those that were tracked. */
  remove(tps: readonly TopicPartition[]): PartitionState[] {
    const removed: PartitionState[] = [];
    for (const tp of tps) {
      const state = this.states.get(tpKey(tp));
      if (state === undefined) continue;
      this.states.delete(state.key);
      removed.push(state);
    }
    return removed;
  }

  /** Stops tracking everything; answers what was tracked. */
  clear(): PartitionState[] {
    const all = this.list();
    this.states.clear();
    return all;
  }

  /**
   * Moves a held partition to `offset`: stale fetched records are dropped from now on, a stall is
   * cleared, and librdkafka is told on the next poll (during onAssign, the assignment carries it).
   * Answers false when the partition is not held.
   */
  seek(tp: TopicPartition, offset: number): boolean {
    const state = this.states.get(tpKey(tp));
    if (state === undefined) return false;
    state.position = offset;
    state.resetSeq = ++this.seq;
    state.unverified = true;
    state.progressed = false;
    if (state.phase !== 'assigning') {
      state.phase = 'active';
      state.seekPending = true;
    }
    return true;
  }

  /** Has librdkafka fetch a partition again from its current position (after a lost fetch error). */
  refetch(state: PartitionState): void {
    if (this.states.get(state.key) !== state || state.phase !== 'active') return;
    state.resetSeq = ++this.seq;
    state.seekPending = true;
  }

  /**
   * The fetched messages that poll may return: those of active partitions, fetched after the
   * partition's last seek (fetchSeq = sequence() when the fetch started), at or past its
   * position. Advances positions.
   */
  accept(messages: readonly Message[], fetchSeq: number): LogRecord[] {
    const out: LogRecord[] = [];
    for (const m of messages) {
      const state = this.states.get(tpKey(m));
      if (state === undefined || state.phase !== 'active' || state.seekPending || state.resetSeq > fetchSeq) continue;
      if (state.position !== null && m.offset < state.position) continue;
      state.position = m.offset + 1;
      state.progressed = true;
      state.unverified = false;
      out.push(toLogRecord(m));
    }
    return out;
  }

  /** Held partitions (assigning ones included), sorted by topic then partition. */
  assignment(): TopicPartition[] {
    return this.list()
      .map((s) => ({ ...s.tp }))
      .sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
  }
}

/** A fetched message as a LogRecord: views of librdkafka's buffers as plain Uint8Arrays. */
function toLogRecord(m: Message): LogRecord {
  return {
    topic: m.topic,
    partition: m.partition,
    offset: m.offset,
    timestamp: m.timestamp ?? 0,
    key: m.key === null || m.key === undefined ? null : bytes(m.key),
    payload: m.value === null ? new Uint8Array(0) : bytes(m.value),
  };
}

function bytes(data: Buffer | string): Uint8Array {
  if (typeof data === 'string') return new TextEncoder().encode(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
