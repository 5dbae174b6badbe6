/**
 * The chaos workload: concurrent workers inserting new keys, upserting and deleting keys whose
 * every write so far was acknowledged, all through the balancer. Every request's outcome goes
 * into the History. A key is in at most one request at a time, and a key whose request ended
 * without an acknowledgement is never written again (when, or whether, it lands is unknown), so
 * the history's per-key order is the log's order.
 *
 * After some acknowledged writes the worker reads the keys back at once, alternating a Strong
 * read and a Session read carrying the write's token (possibly served by the other proxy): both
 * must see the write. A read that fails with an error is counted, never a violation; a read that
 * answers with older data is.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { call, type Answer } from './client.ts';
import { ABSENT, History, type KeyState, type OpKind } from './history.ts';
import { rowOf, verifiedVersion, type ReadRow } from './payload.ts';
import type { Rng } from './rng.ts';

export interface ReadTally {
  ok: number;
  /** Answered, but without the acknowledged write: a consistency violation. */
  stale: number;
  failed: number;
}

export interface WorkloadOptions {
  base: string;
  collection: string;
  rng: Rng;
  history: History;
  workers: number;
  /** Share of acknowledged writes followed by a read-back, 0..1. */
  readShare: number;
}

const INSERT_ROWS = 10;
const UPSERT_ROWS = 5;
const DELETE_ROWS = 3;

export class ChaosWorkload {
  readonly reads: Record<'Strong' | 'Session', ReadTally> = { Strong: { ok: 0, stale: 0, failed: 0 }, Session: { ok: 0, stale: 0, failed: 0 } };
  readonly staleExamples: string[] = [];
  /** Failed reads by level and reason: count and one message. */
  readonly readFailures = new Map<string, [number, string]>();
  private nextId = 1;
  /** Keys every write of which was acknowledged and that exist, with their version; not in flight. */
  private readonly pool = new Map<number, number>();
  private stopped = false;
  private running: Promise<void>[] = [];
  private readLevel: 'Strong' | 'Session' = 'Strong';

  constructor(private readonly o: WorkloadOptions) {}

  start(): void {
    for (let i = 0; i < this.o.workers; i++) this.running.push(this.loop());
  }

  /** Stops starting requests and waits for those in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.running);
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      const ok = await this.step();
      // Failures come back fast during an outage; pace them instead of spinning.
      await sleep(ok ? 5 : 250);
    }
  }

  private async step(): Promise<boolean> {
    const r = this.o.rng.next();
    const kind: OpKind = this.pool.size < 30 || r < 0.5 ? 'insert' : r < 0.8 ? 'upsert' : 'delete';
    let writes: Array<[number, KeyState]>;
    let answer: Answer;
    if (kind === 'insert') {
      writes = Array.from({ length: INSERT_ROWS }, () => [this.nextId++, 1]);
      answer = await this.write('insert', { data: writes.map(([id, v]) => rowOf(id, v)) });
    } else if (kind === 'upsert') {
      writes = this.take(UPSERT_ROWS).map(([id, v]) => [id, v + 1]);
      answer = await this.write('upsert', { data: writes.map(([id, v]) => rowOf(id, v)) });
    } else {
      writes = this.take(DELETE_ROWS).map(([id]) => [id, ABSENT]);
      answer = await this.write('delete', { filter: `id in [${writes.map(([id]) => id).join(', ')}]` });
    }
    this.o.history.record(kind, writes, answer.outcome, answer.reason, answer.message);
    if (answer.outcome !== 'acked') return false;
    if (this.o.rng.next() < this.o.readShare) await this.readBack(writes, answer.token);
    for (const [id, state] of writes) if (state !== ABSENT) this.pool.set(id, state);
    return true;
  }

  private write(op: 'insert' | 'upsert' | 'delete', body: Record<string, unknown>): Promise<Answer> {
    return call(this.o.base, `entities/${op}`, { collectionName: this.o.collection, ...body });
  }

  /** Removes up to n random keys from the pool (they are in flight until put back). */
  private take(n: number): Array<[number, number]> {
    const keys = [...this.pool.keys()];
    const out: Array<[number, number]> = [];
    for (let i = 0; i < n && keys.length > 0; i++) {
      const j = this.o.rng.int(0, keys.length - 1);
      const id = keys[j];
      keys[j] = keys[keys.length - 1];
      keys.pop();
      out.push([id, this.pool.get(id)!]);
      this.pool.delete(id);
    }
    return out;
  }

  /** Reads the keys just written; each must show exactly the written state. */
  private async readBack(writes: ReadonlyArray<[number, KeyState]>, token: string | undefined): Promise<void> {
    const level = this.readLevel;
    this.readLevel = level === 'Strong' ? 'Session' : 'Strong';
    const headers: Record<string, string> = level === 'Session' && token ? { 'Quiver-Session-Token': token } : {};
    const ids = writes.map(([id]) => id);
    const r = await call(this.o.base, 'entities/get', { collectionName: this.o.collection, id: ids, outputFields: ['version', 'payload'], consistencyLevel: level }, headers);
    const tally = this.reads[level];
    if (r.outcome !== 'acked') {
      tally.failed++;
      const reason = `${level}: ${r.reason ?? '?'}`;
      const cur = this.readFailures.get(reason) ?? [0, (r.message ?? '').slice(0, 240)];
      cur[0]++;
      this.readFailures.set(reason, cur);
      return;
    }
    const seen = new Map<number, number[]>();
    for (const row of (r.data ?? []) as ReadRow[]) {
      const id = Number(row.id);
      seen.set(id, [...(seen.get(id) ?? []), verifiedVersion(row) ?? -2]);
    }
    const wrong = writes.filter(([id, state]) => {
      const got = seen.get(id) ?? [];
      return state === ABSENT ? got.length !== 0 : got.length !== 1 || got[0] !== state;
    });
    if (wrong.length === 0) {
      tally.ok++;
      return;
    }
    tally.stale++;
    if (this.staleExamples.length < 10) {
      const [id, state] = wrong[0];
      this.staleExamples.push(`${level} read after an acknowledged write: key ${id} expected ${state === ABSENT ? 'absent' : `v${state}`}, got ${JSON.stringify(seen.get(id) ?? [])}${token ? ` (token ${token})` : ''}`);
    }
  }
}
