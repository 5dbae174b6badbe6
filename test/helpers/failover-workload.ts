/**
 * A continuous insert + Strong search workload against one Milvus REST endpoint, for failover
 * tests: it records every request's outcome under the test's current phase (the phase when the
 * answer arrived, so a request cut off by a kill counts in the phase that caused it), keeps the
 * client-chosen primary keys of acknowledged and failed inserts apart, and checks at the end that
 * every acknowledged row is stored exactly once.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import assert from 'node:assert/strict';

/** One request's answer. `hung` is true when the client-side deadline ran out. */
export interface Answer {
  status: number;
  json?: { code?: number; data?: unknown; message?: string };
  text?: string;
  /** nginx's X-Quiver-Upstream: the proxies tried, comma-separated, the answering one last. */
  upstream: string;
  ms: number;
  hung: boolean;
}

export type Call = (path: string, body: unknown) => Promise<Answer>;
export type Phase = string;
type Op = 'insert' | 'search';

export interface Outcome {
  op: Op;
  phase: Phase;
  ok: boolean;
  status: number;
  code?: number;
  /** The proxy that answered ('' when none did). */
  upstream: string;
  /** nginx tried more than one proxy for this request. */
  retried: boolean;
  ms: number;
  hung: boolean;
  error?: string;
}

export interface WorkloadOptions {
  call: Call;
  collection: string;
  rowFor: (id: number) => { id: number; vector: number[]; payload: string };
  writers: number;
  searchers: number;
  /** Rows per insert. */
  batch?: number;
}


export class Workload {
  readonly outcomes: Outcome[] = [];
  readonly ackedBatches: number[][] = [];
  private failedBatches: number[][] = [];
  private phase: Phase = 'steady';
  private nextId = 1;
  private stopped = false;
  private running: Promise<void>[] = [];
  private readonly notes: string[] = [];
  private readonly phaseStart = new Map<Phase, number>([['steady', Date.now()]]);

  constructor(private readonly o: WorkloadOptions) {}

  start(): void {
    for (let i = 0; i < this.o.writers; i++) this.running.push(this.loop(() => this.insertOnce()));
    for (let i = 0; i < this.o.searchers; i++) this.running.push(this.loop(() => this.searchOnce()));
  }

  setPhase(phase: Phase): void {
    this.phase = phase;
    this.phaseStart.set(phase, Date.now());
  }

  stop(): void {
    this.stopped = true;
  }

  async done(): Promise<void> {
    await Promise.all(this.running);
  }

  note(line: string): void {
    this.notes.push(line);
  }

  okCount(phase: Phase, op: Op): number {
    return this.outcomes.filter((x) => x.phase === phase && x.op === op && x.ok).length;
  }

  failCount(phase: Phase, op: Op): number {
    return this.outcomes.filter((x) => x.phase === phase && x.op === op && !x.ok).length;
  }

  failures(phase: Phase): Outcome[] {
    return this.outcomes.filter((x) => x.phase === phase && !x.ok);
  }

  /** True once `addr` answered a request successfully (in `phase`, if given). */
  servedBy(addr: string, phase?: Phase): boolean {
    return this.outcomes.some((x) => x.ok && x.upstream === addr && (phase === undefined || x.phase === phase));
  }

  ackedIds(): number[] {
    return this.ackedBatches.flat();
  }

  /** Polls `cond` until it holds; on timeout fails with `what` and the report. */
  async waitFor(cond: () => boolean, timeoutMs: number, what: string, details: () => Promise<string>): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!cond()) {
      if (Date.now() > deadline) assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}\n${await details()}`);
      await sleep(100);
    }
  }

  /** Resends every failed insert (same rows, same keys) until it is acknowledged. */
  async resendFailedInserts(timeoutMs: number): Promise<number> {
    const batches = this.failedBatches;
    this.failedBatches = [];
    const deadline = Date.now() + timeoutMs;
    for (const ids of batches) {
      for (;;) {
        const r = await this.o.call('entities/insert', { collectionName: this.o.collection, data: ids.map(this.o.rowFor) });
        if (r.status === 200 && r.json?.code === 0) break;
        assert.ok(Date.now() < deadline, `resending an insert kept failing: ${JSON.stringify(r)}`);
        await sleep(500);
      }
      this.ackedBatches.push(ids);
    }
    return batches.length;
  }

  /** count(*) equals the number of acknowledged keys, and each key is returned once. */
  async assertExactlyOnce(): Promise<void> {
    const ids = this.ackedIds();
    assert.equal(new Set(ids).size, ids.length, 'keys are unique per batch');
    const count = await this.o.call('entities/query', { collectionName: this.o.collection, filter: '', outputFields: ['count(*)'], consistencyLevel: 'Strong' });
    assert.equal(count.json?.code, 0, JSON.stringify(count));
    const seen = new Map<number, number>();
    for (let i = 0; i < ids.length; i += 1000) {
      const got = await this.o.call('entities/get', { collectionName: this.o.collection, id: ids.slice(i, i + 1000), outputFields: ['payload'], consistencyLevel: 'Strong' });
      assert.equal(got.json?.code, 0, JSON.stringify(got));
      for (const row of got.json!.data as Array<{ id: number; payload: string }>) {
        seen.set(row.id, (seen.get(row.id) ?? 0) + 1);
        assert.equal(row.payload, this.o.rowFor(row.id).payload);
      }
    }
    const missing = ids.filter((id) => !seen.has(id));
    assert.equal(missing.length, 0, `missing ${missing.length} acknowledged rows, e.g. ${missing.slice(0, 5)}`);
    assert.deepEqual([...seen].filter(([, n]) => n !== 1), [], 'rows returned more than once');
    assert.equal((count.json!.data as Array<Record<string, number>>)[0]['count(*)'], ids.length, 'count(*)');
  }

  /** Per-phase table: requests, errors, retries by nginx, slowest answer; then the notes. */
  report(): string {
    const lines = ['phase          | ok ins | err ins | ok srch | err srch | retried | max ms | duration s'];
    const phases = [...this.phaseStart.keys()];
    phases.forEach((phase, i) => {
      const of = this.outcomes.filter((x) => x.phase === phase);
      const end = this.phaseStart.get(phases[i + 1]) ?? Date.now();
      const cells = [
        this.okCount(phase, 'insert'), this.failCount(phase, 'insert'), this.okCount(phase, 'search'), this.failCount(phase, 'search'),
        of.filter((x) => x.retried).length, Math.max(0, ...of.map((x) => x.ms)), ((end - this.phaseStart.get(phase)!) / 1000).toFixed(1),
      ];
      lines.push(`${phase.padEnd(14)} | ${cells.map((c) => String(c).padStart(6)).join(' | ')}`);
    });
    return [...lines, ...this.notes].join('\n');
  }

  private async loop(step: () => Promise<boolean>): Promise<void> {
    while (!this.stopped) {
      // Failures come back at once while no proxy is up; pace them instead of spinning.
      if (!(await step())) await sleep(200);
      else await sleep(20);
    }
  }

  /** Records the answer; `expect` fails an answer that came back but is wrong. */
  private record(op: Op, r: Answer, expect?: (data: unknown) => string | undefined): boolean {
    const wrong = r.status === 200 && r.json?.code === 0 && expect ? expect(r.json.data) : undefined;
    const ok = r.status === 200 && r.json?.code === 0 && wrong === undefined;
    const tried = r.upstream.split(',').map((s) => s.trim()).filter(Boolean);
    this.outcomes.push({
      op, phase: this.phase, ok, status: r.status, code: r.json?.code, upstream: ok ? tried.at(-1)! : '', retried: tried.length > 1,
      ms: r.ms, hung: r.hung, error: ok ? undefined : (wrong ?? r.json?.message ?? r.text),
    });
    return ok;
  }

  private async insertOnce(): Promise<boolean> {
    const ids = Array.from({ length: this.o.batch ?? 20 }, () => this.nextId++);
    const r = await this.o.call('entities/insert', { collectionName: this.o.collection, data: ids.map(this.o.rowFor) });
    const ok = this.record('insert', r);
    (ok ? this.ackedBatches : this.failedBatches).push(ids);
    return ok;
  }

  /**
   * A Strong search for the newest acknowledged row must find it first (its own vector, distance
   * 0): reads see every acknowledged write, whichever proxy took the write and the read.
   */
  private async searchOnce(): Promise<boolean> {
    const id = this.ackedBatches.at(-1)?.[0];
    const vector = this.o.rowFor(id ?? 0).vector;
    const r = await this.o.call('entities/search', { collectionName: this.o.collection, data: [vector], limit: 3, consistencyLevel: 'Strong' });
    return this.record('search', r, (data) => {
      const top = (data as Array<{ id: number }>)[0]?.id;
      return id === undefined || top === id ? undefined : `Strong search did not find acknowledged row ${id} first (got ${top})`;
    });
  }
}
