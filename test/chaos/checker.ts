/**
 * The consistency checker: compares what the cluster returns after the run with what the
 * history allows, key by key.
 *  - lost: a key whose observed state is not allowed although an acknowledged write pins it
 *    (an acknowledged insert or upsert missing or older, an acknowledged delete undone);
 *  - duplicated: a key returned more than once, plus rows count(*) sees beyond the distinct keys
 *    returned (duplicates a by-key read would hide);
 *  - corrupted: a row whose checksum does not verify, or that carries a version never written
 *    for its key while nothing acknowledged pins the key;
 *  - unexpected: a row for a key the workload never wrote.
 * Writes without an acknowledgement allow both states, so they are never counted as lost.
 */
import { ABSENT, allowedStates, type KeyState, type Step } from './history.ts';
import { verifiedVersion, type ReadRow } from './payload.ts';

export interface Observation {
  /** Every row returned when reading all keys the workload wrote (by primary key). */
  rows: ReadRow[];
  /** count(*) over the whole collection. */
  countStar: number;
}

export interface CheckResult {
  keys: number;
  /** Keys an acknowledged write pins. */
  pinnedKeys: number;
  lost: number;
  duplicated: number;
  corrupted: number;
  unexpected: number;
  /** Keys whose unacknowledged write turned out to be applied (allowed; for information). */
  unackedApplied: number;
  /** Bounds count(*) must fall in, from the allowed states. */
  countBounds: [number, number];
  countStar: number;
  /** Up to 20 examples of what went wrong. */
  problems: string[];
  ok: boolean;
}

export function check(keys: ReadonlyMap<number, readonly Step[]>, obs: Observation): CheckResult {
  const problems: string[] = [];
  const note = (s: string) => {
    if (problems.length < 20) problems.push(s);
  };
  const byId = new Map<number, ReadRow[]>();
  for (const row of obs.rows) {
    const id = Number(row.id);
    let list = byId.get(id);
    if (!list) byId.set(id, (list = []));
    list.push(row);
  }
  let lost = 0;
  let duplicated = 0;
  let corrupted = 0;
  let unexpected = 0;
  let unackedApplied = 0;
  let pinnedKeys = 0;
  let minCount = 0;
  let maxCount = 0;
  for (const [id, rows] of byId) {
    if (!keys.has(id)) {
      unexpected += rows.length;
      note(`key ${id} was never written but is stored`);
    }
    if (rows.length > 1) {
      duplicated += rows.length - 1;
      note(`key ${id} returned ${rows.length} times`);
    }
  }
  for (const [id, steps] of keys) {
    const { allowed, pinned } = allowedStates(steps);
    if (pinned) pinnedKeys++;
    if (!allowed.has(ABSENT)) minCount++;
    if ([...allowed].some((s) => s !== ABSENT)) maxCount++;
    const rows = byId.get(id) ?? [];
    let observed: KeyState = ABSENT;
    if (rows.length > 0) {
      const version = verifiedVersion(rows[0]);
      if (version === null) {
        corrupted++;
        note(`key ${id}: payload does not verify: ${JSON.stringify(rows[0]).slice(0, 200)}`);
        continue;
      }
      observed = version;
    }
    if (allowed.has(observed)) {
      const last = steps[steps.length - 1];
      if (last.outcome !== 'acked' && observed === last.state && observed !== ABSENT) unackedApplied++;
      continue;
    }
    const history = steps.map((s) => `${s.state === ABSENT ? 'delete' : `v${s.state}`}:${s.outcome}`).join(' ');
    const seen = observed === ABSENT ? 'absent' : `v${observed}`;
    if (pinned) {
      lost++;
      note(`key ${id}: LOST: stored ${seen}, allowed ${fmt(allowed)} (history ${history})`);
    } else {
      corrupted++;
      note(`key ${id}: stored ${seen}, never written (history ${history})`);
    }
  }
  // Rows count(*) sees beyond the distinct keys returned are duplicates a by-key read hides.
  const hidden = Math.max(0, obs.countStar - byId.size);
  if (hidden > 0) {
    duplicated += hidden;
    note(`count(*) = ${obs.countStar} but only ${byId.size} distinct keys are stored`);
  }
  const countOk = obs.countStar >= minCount && obs.countStar <= maxCount + unexpected;
  if (!countOk) note(`count(*) = ${obs.countStar} outside [${minCount}, ${maxCount}]`);
  return {
    keys: keys.size, pinnedKeys, lost, duplicated, corrupted, unexpected, unackedApplied,
    countBounds: [minCount, maxCount], countStar: obs.countStar, problems,
    ok: lost === 0 && duplicated === 0 && corrupted === 0 && unexpected === 0 && countOk,
  };
}

function fmt(allowed: Set<KeyState>): string {
  return `{${[...allowed].map((s) => (s === ABSENT ? 'absent' : `v${s}`)).join(', ')}}`;
}
