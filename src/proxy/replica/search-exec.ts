/**
 * Vector search over the snapshots of every shard: each segment answers its top candidates for
 * the visible rows, and the candidates are merged by score. Grouping search keeps the best
 * `groupSize` hits of each distinct grouping value until `limit` groups are found.
 */
import { invalidParameter } from '../../shared/errors.ts';
import { DYNAMIC_FIELD, type CollectionInfo, type MetricType } from '../../shared/schema/types.ts';
import { better } from '../../shared/vector/metrics.ts';
import type { SearchHits } from '../../shared/vector/top-k.ts';
import type { Hit, SearchPlan } from '../read/read-tier.ts';
import { acceptor, type Visibility } from './rows.ts';
import type { ShardSnapshot } from './shard-replica.ts';

interface Candidate {
  score: number;
  snap: ShardSnapshot;
  seg: number;
  row: number;
}

function groupKey(value: unknown): string {
  return typeof value === 'object' ? JSON.stringify(value) : `${typeof value}:${String(value)}`;
}

/** The grouping value of a hit: its schema field, or its dynamic key (null when absent). */
function groupValue(hit: Hit, field: string, dynamic: boolean): unknown {
  if (!dynamic) return hit.source.scalars[field]?.[hit.row] ?? null;
  const meta = hit.source.scalars[DYNAMIC_FIELD]?.[hit.row] as Record<string, unknown> | null | undefined;
  return meta && Object.hasOwn(meta, field) ? meta[field] : null;
}

/** Candidates per query from one shard snapshot (its segments searched concurrently). */
async function searchSnapshot(snap: ShardSnapshot, plan: SearchPlan, k: number, vis: Visibility): Promise<Candidate[][]> {
  const nq = plan.queries.data.length / (plan.queries.kind === 'b1' ? plan.queries.dim / 8 : plan.queries.dim);
  const out: Candidate[][] = Array.from({ length: nq }, () => []);
  const pending: Promise<void>[] = [];
  try {
    snap.segments.forEach((seg, s) => {
      const searcher = seg.searchers[plan.annsField];
      if (!searcher || seg.data.pks.length === 0) return;
      if (searcher.metric !== plan.metric) {
        throw invalidParameter(`metric type not match: invalid parameter[expected=${searcher.metric}][actual=${plan.metric}]`);
      }
      const { accept, acceptCount } = acceptor(seg, snap.live[s], vis);
      const found = searcher.search(plan.queries, k, {
        ef: plan.ef,
        accept,
        acceptCount,
        radius: plan.radius,
        rangeFilter: plan.rangeFilter,
      });
      const take = (hits: SearchHits[]) =>
        hits.forEach((h, q) => {
          for (let i = 0; i < h.rows.length; i++) out[q].push({ score: h.scores[i], snap, seg: s, row: h.rows[i] });
        });
      if (Array.isArray(found)) take(found);
      else pending.push(found.then(take));
    });
  } catch (err) {
    // A later segment failed synchronously: searches already queued must not reject unobserved.
    for (const p of pending) p.catch(() => undefined);
    throw err;
  }
  await Promise.all(pending);
  return out;
}

/** Searches every shard snapshot and merges the candidates into `limit` hits (or groups) per query. */
export async function runSearch(c: CollectionInfo, snaps: ShardSnapshot[], plan: SearchPlan, vis: Visibility): Promise<Hit[][]> {
  const grouping = plan.groupingField;
  const groupSize = Math.max(1, plan.groupSize ?? 1);
  const want = plan.limit + plan.offset;
  // Grouping needs more candidates: several hits may share a group.
  const k = grouping ? Math.min(16384, want * groupSize * 4) : want;
  const perShard = await Promise.all(snaps.map((s) => searchSnapshot(s, plan, k, vis)));
  const metric: MetricType = plan.metric;
  const nq = perShard[0]?.length ?? 0;
  const results: Hit[][] = [];
  for (let q = 0; q < nq; q++) {
    const all = perShard.flatMap((r) => r[q]);
    all.sort((a, b) => (a.score === b.score ? 0 : better(metric, a.score, b.score) ? -1 : 1));
    const toHit = (cand: Candidate): Hit => {
      const seg = cand.snap.segments[cand.seg];
      return { pk: seg.data.pks[cand.row], distance: cand.score, source: seg.data, row: cand.row };
    };
    if (!grouping) {
      results.push(all.slice(plan.offset, want).map(toHit));
      continue;
    }
    const groups = new Map<string, Hit[]>();
    for (const cand of all) {
      const hit = toHit(cand);
      const key = groupKey(groupValue(hit, grouping, plan.groupingDynamic === true));
      const g = groups.get(key);
      if (g) {
        if (g.length < groupSize) g.push(hit);
      } else if (groups.size < want) {
        groups.set(key, [hit]);
      }
    }
    const ordered = [...groups.values()].slice(plan.offset, want);
    results.push(ordered.flat());
  }
  return results;
}
