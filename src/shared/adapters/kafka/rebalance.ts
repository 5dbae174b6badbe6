/**
 * What librdkafka fetches for one consumer, and from where: group rebalances mapped to the
 * port's RebalanceListener, and seeks.
 *
 * librdkafka calls its rebalance callback from inside a fetch and then waits (fetching nothing
 * for the partitions concerned) until the application answers with (incremental_)assign or
 * (incremental_)unassign. The native binding delivers that callback to JavaScript
 * asynchronously, so the callback here only queues the event; the consumer's poll runs the queue
 * (run) before it fetches again, so the listener runs inside poll, as the port requires:
 *  - revoke: the partitions leave the table at once (nothing of them is returned any more),
 *    onRevoke runs (it may still commit), then librdkafka is told.
 *  - assign: the partitions enter the table, onAssign runs (seeks in it set start positions),
 *    partitions without a seek start at the group's committed offset, else at the earliest
 *    offset; only then is librdkafka told, with those offsets, so no record of a newly assigned
 *    partition is fetched before onAssign finished.
 * With the cooperative protocol (cooperative-sticky assignor) events name only the partitions
 * that move; when a group falls back to the eager protocol, a revoke names everything held and
 * the next assign the full new set, and both are handled the same way.
 *
 * Seeks (applySeeks) go to librdkafka on the next poll round; librdkafka refuses to seek a
 * partition whose fetcher stopped after an error (ERR__STATE), so such partitions are assigned
 * again at the position instead.
 */
import type { TopicPartitionOffset } from '@confluentinc/kafka-javascript';
import type { RebalanceListener, TopicPartition } from '../../ports/log.ts';
import { CODES, viaCallback } from './errors.ts';
import type { PartitionState, PartitionTable } from './partitions.ts';

/** librdkafka's logical offset "earliest stored". */
export const OFFSET_BEGINNING = -2;

/** The native consumer's assignment calls (the package's typings omit the incremental ones). */
export interface AssignmentClient {
  rebalanceProtocol(): string;
  assign(tps: TopicPartitionOffset[]): unknown;
  unassign(): unknown;
  incrementalAssign(tps: TopicPartitionOffset[]): unknown;
  incrementalUnassign(tps: TopicPartition[]): unknown;
  seek(tp: TopicPartitionOffset, timeoutMs: number, cb: (err: unknown) => void): unknown;
}

interface RebalanceEvent {
  kind: 'assign' | 'revoke';
  tps: TopicPartition[];
}

export interface RebalancerDeps {
  client: AssignmentClient;
  table: PartitionTable;
  listener: RebalanceListener;
  /** The group's committed offsets of `tps` (null where none), in order. */
  committed(tps: TopicPartition[]): Promise<Array<number | null>>;
  /** Bound of a seek, in milliseconds. */
  requestTimeoutMs: number;
  info(msg: string, fields: Record<string, unknown>): void;
  warn(msg: string, fields: Record<string, unknown>): void;
}

export class Rebalancer {
  private readonly events: RebalanceEvent[] = [];
  /** Assigned partitions whose onAssign finished but librdkafka was not told yet. */
  private granting: PartitionState[] = [];
  private protocol: 'COOPERATIVE' | 'EAGER' = 'COOPERATIVE';
  /** Set while closing: librdkafka is answered at once and the listener is not called. */
  private immediate = false;

  constructor(private readonly deps: RebalancerDeps) {}

  /** librdkafka's rebalance callback (delivered on the JavaScript thread). */
  readonly onRebalance = (err: { code: number } | undefined, assignment: TopicPartition[]): void => {
    const kind =
      err?.code === CODES.ERR__ASSIGN_PARTITIONS ? 'assign' : err?.code === CODES.ERR__REVOKE_PARTITIONS ? 'revoke' : null;
    if (kind === null) {
      this.deps.warn('kafka rebalance error', { code: err?.code });
      return;
    }
    const protocol = this.deps.client.rebalanceProtocol();
    if (protocol === 'COOPERATIVE' || protocol === 'EAGER') this.protocol = protocol;
    const tps = assignment.map((tp) => ({ topic: tp.topic, partition: tp.partition }));
    this.deps.info(`kafka partitions ${kind === 'assign' ? 'assigned' : 'revoked'}`, {
      partitions: tps.map((tp) => `${tp.topic}[${tp.partition}]`),
      protocol,
      closing: this.immediate,
    });
    if (this.immediate) this.answer(kind, tps.map((tp) => ({ ...tp, offset: OFFSET_BEGINNING })));
    else this.events.push({ kind, tps });
  };

  /**
   * Runs the queued rebalances in order. When the listener throws, librdkafka is still answered
   * and the first error is rethrown at the end. Rejects 'unavailable' (and retries on the next
   * call) when the committed offsets of assigned partitions cannot be read.
   */
  async run(): Promise<void> {
    let failure: unknown;
    await this.grant();
    while (this.events.length > 0 && !this.immediate) {
      const event = this.events.shift()!;
      try {
        if (event.kind === 'revoke') await this.revoke(event.tps);
        else await this.assign(event.tps);
      } catch (err) {
        failure ??= err;
      }
      await this.grant();
    }
    if (failure !== undefined) throw failure;
  }

  /**
   * Hands pending seeks to librdkafka. Partitions it refuses to seek are assigned again at their
   * positions; when that fails too, the seeks stay pending for the next call.
   */
  async applySeeks(): Promise<void> {
    const pending = this.deps.table.list().filter((s) => s.seekPending && s.phase === 'active');
    if (pending.length === 0) return;
    const seqs = pending.map((s) => s.resetSeq);
    const refused: PartitionState[] = [];
    await Promise.all(
      pending.map((s) => {
        const target = { ...s.tp, offset: s.position ?? OFFSET_BEGINNING };
        return viaCallback(`seek ${s.key}`, (cb) => this.deps.client.seek(target, this.deps.requestTimeoutMs, cb)).catch(
          () => refused.push(s),
        );
      }),
    );
    try {
      if (refused.length > 0) this.reassign(refused);
    } catch (err) {
      this.deps.warn('kafka consumer cannot restart partitions', { error: String(err) });
      return;
    }
    pending.forEach((s, i) => {
      if (s.resetSeq === seqs[i]) s.seekPending = false;
    });
  }

  /** Restarts fetching of held partitions at their positions. */
  private reassign(states: readonly PartitionState[]): void {
    const offsets = (list: readonly PartitionState[]) =>
      list.map((s) => ({ ...s.tp, offset: s.position ?? OFFSET_BEGINNING }));
    if (this.protocol === 'EAGER') {
      this.deps.client.assign(offsets(this.deps.table.list().filter((s) => s.phase !== 'assigning')));
    } else {
      this.deps.client.incrementalUnassign(states.map((s) => s.tp));
      this.deps.client.incrementalAssign(offsets(states));
    }
  }

  /** From now on answers librdkafka at once; answers what is queued. For close. */
  drain(): void {
    this.immediate = true;
    const granting = this.granting.splice(0);
    if (granting.length > 0) this.answer('assign', granting.map((s) => ({ ...s.tp, offset: OFFSET_BEGINNING })));
    for (const event of this.events.splice(0)) {
      this.answer(event.kind, event.tps.map((tp) => ({ ...tp, offset: OFFSET_BEGINNING })));
    }
  }

  private async revoke(tps: TopicPartition[]): Promise<void> {
    const removed = this.deps.table.remove(tps);
    try {
      if (removed.length > 0) await this.deps.listener.onRevoke(removed.map((s) => ({ ...s.tp })));
    } finally {
      this.answer('revoke', tps.map((tp) => ({ ...tp, offset: OFFSET_BEGINNING })));
    }
  }

  private async assign(tps: TopicPartition[]): Promise<void> {
    // A cooperative rebalance that moves nothing to this member still waits for an answer.
    if (tps.length === 0) return this.answer('assign', []);
    const states = this.deps.table.add(tps);
    try {
      await this.deps.listener.onAssign(states.map((s) => ({ ...s.tp })));
    } finally {
      this.granting.push(...states);
    }
  }

  /** Resolves start offsets of partitions that onAssign left without one, then tells librdkafka. */
  private async grant(): Promise<void> {
    if (this.granting.length === 0) return;
    const unset = this.granting.filter((s) => s.position === null);
    if (unset.length > 0) {
      const committed = await this.deps.committed(unset.map((s) => s.tp));
      unset.forEach((s, i) => {
        if (s.position === null && committed[i] !== null) {
          s.position = committed[i];
          s.unverified = true;
        }
      });
    }
    const states = this.granting.splice(0);
    for (const s of states) {
      if (this.deps.table.get(s.tp) !== s) continue;
      s.phase = 'active';
      s.seekPending = false;
    }
    this.answer('assign', states.map((s) => ({ ...s.tp, offset: s.position ?? OFFSET_BEGINNING })));
  }

  /** Tells librdkafka that partitions were taken (with start offsets) or given up. */
  private answer(kind: 'assign' | 'revoke', tps: TopicPartitionOffset[]): void {
    const { client } = this.deps;
    try {
      if (kind === 'assign') {
        if (this.protocol === 'EAGER') client.assign(tps);
        else client.incrementalAssign(tps);
      } else if (this.protocol === 'EAGER') {
        client.unassign();
      } else {
        client.incrementalUnassign(tps.map(({ topic, partition }) => ({ topic, partition })));
      }
    } catch (err) {
      // Only fails when the client is closing or no longer in the group; nothing to hand back then.
      this.deps.warn('kafka rebalance answer failed', { kind, error: (err as Error).message });
    }
  }
}
