/**
 * quiver's insert-to-visible latency while ingesting: batches of fresh rows are inserted one at a
 * time at a paced rate, and a prober running beside them reads the batches' marker rows with
 * `entities/query` (`id in [...]`, consistency Eventually, so the read never waits for anything)
 * every few milliseconds. A marker's latency is from its insert's acknowledgement until the
 * first read that returned it.
 */
import { postJson } from '../../http-client.ts';
import { nowMs, sleep } from '../../measure.ts';
import type { PeerDataset } from '../data/dataset.ts';
import { batchCount, dueAtMs, extraBatch, summarizeFreshness, type FreshnessOutcome, type FreshnessSample, type PacePlan } from '../freshness.ts';

/** Insert bodies of extra rows, copies of existing ones; each source vector is serialised once. */
export class ExtraRows {
  private readonly vectors = new Map<number, string>();

  constructor(private readonly data: PeerDataset, private readonly collection: string) {}

  /** The JSON body inserting rows `ids`, copies of rows `sources`. */
  body(ids: number[], sources: number[]): string {
    const dim = this.data.ds.spec.dim;
    const rows = ids.map((id, j) => {
      const src = sources[j];
      let vec = this.vectors.get(src);
      if (vec === undefined) {
        vec = JSON.stringify(Array.from(this.data.ds.vectors.subarray(src * dim, (src + 1) * dim)));
        if (this.vectors.size < 20_000) this.vectors.set(src, vec);
      }
      return `{"id":${id},"vector":${vec},"tag":${this.data.tags[src]}}`;
    });
    return `{"collectionName":${JSON.stringify(this.collection)},"data":[${rows.join(',')}]}`;
  }
}

/** Measures insert-to-visible latency; rows get ids from `firstId` on. Rejects on a failed insert or read. */
export async function quiverFreshness(url: string, collection: string, data: PeerDataset, firstId: number, plan: PacePlan): Promise<{ outcome: FreshnessOutcome; rowsInserted: number }> {
  const rows = data.ds.spec.rows;
  const extra = new ExtraRows(data, collection);
  /** Marker id → monotonic ack time (NaN while the insert is in flight). */
  const pending = new Map<number, number>();
  /** Markers a read returned before their ack arrived, with the time seen. */
  const early = new Map<number, number>();
  const sample: FreshnessSample = { latenciesMs: [], neverVisible: 0, rowsInserted: 0, ingestMs: 0, probeMs: [] };
  let ingesting = true;
  let failure: unknown = null;

  const probe = async () => {
    while (failure === null && (ingesting || pending.size > 0)) {
      const now = nowMs();
      for (const [id, ack] of pending) {
        if (!Number.isNaN(ack) && now - ack > plan.timeoutSeconds * 1000) {
          pending.delete(id);
          sample.neverVisible++;
        }
      }
      const ids = [...pending.keys()].filter((id) => !early.has(id));
      if (ids.length === 0) {
        await sleep(plan.pollMs);
        continue;
      }
      const started = nowMs();
      const res = await postJson(url, 'entities/query', JSON.stringify({
        collectionName: collection, filter: `id in [${ids.join(',')}]`, outputFields: ['id'], limit: ids.length, consistencyLevel: 'Eventually',
      }), { 'Accept-Type-Allow-Int64': 'true' });
      const seen = nowMs();
      sample.probeMs.push(seen - started);
      for (const row of res.data as { id: number | string }[]) {
        const id = Number(row.id);
        const ack = pending.get(id);
        if (ack === undefined) continue;
        if (Number.isNaN(ack)) {
          early.set(id, seen);
        } else {
          sample.latenciesMs.push(seen - ack);
          pending.delete(id);
        }
      }
      await sleep(plan.pollMs);
    }
  };
  const prober = probe().catch((err: unknown) => {
    failure = err;
  });

  const batches = batchCount(plan);
  const start = nowMs();
  let lastAck = start;
  let completed = false;
  try {
    for (let i = 0; i < batches && failure === null; i++) {
      const { ids, sources } = extraBatch(i, plan.batchRows, firstId, rows);
      const body = extra.body(ids, sources);
      const wait = start + dueAtMs(i, plan) - nowMs();
      if (wait > 0) await sleep(wait);
      const marker = ids[0];
      pending.set(marker, NaN);
      await postJson(url, 'entities/insert', body);
      lastAck = nowMs();
      sample.rowsInserted += ids.length;
      const seen = early.get(marker);
      if (seen !== undefined) {
        early.delete(marker);
        pending.delete(marker);
        sample.latenciesMs.push(seen - lastAck);
      } else {
        pending.set(marker, lastAck);
      }
    }
    completed = true;
  } finally {
    sample.ingestMs = lastAck - start;
    ingesting = false;
    // After a failed insert nothing more is measured, and a marker without an ack never expires.
    if (!completed) pending.clear();
    await prober;
  }
  if (failure !== null) throw failure;
  return { outcome: summarizeFreshness(sample, plan, 'entities/query `id in [marker ids]`, consistency Eventually, over HTTP'), rowsInserted: sample.rowsInserted };
}
