/**
 * What the chaos workload did, as the checker needs it: every write request with its outcome,
 * and per primary key the ordered list of states it was asked to take. The workload never has
 * two requests in flight on one key, and never touches a key again once a request on it ended
 * without an acknowledgement (its effect, and when it lands, are unknown), so per key the
 * order of the list is the order of the log.
 */

export type OpKind = 'insert' | 'upsert' | 'delete';

/**
 * acked: HTTP 200 and code 0. failed: a clear error answer (a Milvus code, or an HTTP 5xx with a
 * message). ambiguous: no answer (timeout, connection reset, a gateway error page): the write may
 * or may not have been applied.
 */
export type Outcome = 'acked' | 'failed' | 'ambiguous';

/** The state a write asks a key to take: a version, or ABSENT for a delete. */
export type KeyState = number;
export const ABSENT: KeyState = -1;

export interface Step {
  state: KeyState;
  outcome: Outcome;
}

export interface OpRecord {
  kind: OpKind;
  keys: number;
  outcome: Outcome;
  /** Milvus code, HTTP status or error name of a failed / ambiguous request. */
  reason?: string;
  /** The error message, if any. */
  message?: string;
}

export class History {
  readonly ops: OpRecord[] = [];
  readonly keys = new Map<number, Step[]>();

  /** Records one write request over `writes` (key → requested state). */
  record(kind: OpKind, writes: ReadonlyArray<[number, KeyState]>, outcome: Outcome, reason?: string, message?: string): void {
    this.ops.push({ kind, keys: writes.length, outcome, reason, message });
    for (const [id, state] of writes) {
      let steps = this.keys.get(id);
      if (!steps) this.keys.set(id, (steps = []));
      steps.push({ state, outcome });
    }
  }

  /** Requests by outcome, and key writes acknowledged. */
  counts(): { attempted: number; acked: number; failed: number; ambiguous: number; ackedKeyWrites: number; byKind: Record<OpKind, Record<Outcome, number>> } {
    const byKind = { insert: zero(), upsert: zero(), delete: zero() };
    let ackedKeyWrites = 0;
    for (const op of this.ops) {
      byKind[op.kind][op.outcome]++;
      if (op.outcome === 'acked') ackedKeyWrites += op.keys;
    }
    const sum = (o: Outcome) => byKind.insert[o] + byKind.upsert[o] + byKind.delete[o];
    return { attempted: this.ops.length, acked: sum('acked'), failed: sum('failed'), ambiguous: sum('ambiguous'), ackedKeyWrites, byKind };
  }

  /** Failed and ambiguous requests by reason, most frequent first, with one message of each. */
  reasons(outcome: 'failed' | 'ambiguous'): Array<[string, number, string]> {
    const m = new Map<string, [number, string]>();
    for (const op of this.ops) {
      if (op.outcome !== outcome) continue;
      const cur = m.get(op.reason ?? '?') ?? [0, `${op.kind}: ${op.message ?? ''}`.slice(0, 240)];
      cur[0]++;
      m.set(op.reason ?? '?', cur);
    }
    return [...m].map(([k, [n, msg]]): [string, number, string] => [k, n, msg]).sort((a, b) => b[1] - a[1]);
  }
}

function zero(): Record<Outcome, number> {
  return { acked: 0, failed: 0, ambiguous: 0 };
}

/**
 * The states a key may be in after its steps: an acknowledged write pins the state; a write
 * without an acknowledgement adds its state as a possibility (it may or may not have landed).
 * `pinned` tells whether some acknowledged write constrains the result at all.
 */
export function allowedStates(steps: readonly Step[]): { allowed: Set<KeyState>; pinned: boolean } {
  let allowed = new Set<KeyState>([ABSENT]);
  let pinned = false;
  for (const s of steps) {
    if (s.outcome === 'acked') {
      allowed = new Set([s.state]);
      pinned = true;
    } else {
      allowed.add(s.state);
    }
  }
  return { allowed, pinned };
}
