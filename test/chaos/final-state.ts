/**
 * Reads the whole final state back through the balancer once the workload stopped: every key
 * the workload ever wrote (by primary key, with version, payload and vector, Strong), and
 * count(*). Retries until the checker passes or a deadline: a cluster still recovering from the
 * last fault may need a while before Strong reads answer, or before a restarted indexer caught
 * up. The last result is what counts.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { check, type CheckResult, type Observation } from './checker.ts';
import { call } from './client.ts';
import type { Step } from './history.ts';
import type { ReadRow } from './payload.ts';

const CHUNK = 500;

/** One full read; a string names the request that failed. */
export async function readFinalState(base: string, collection: string, ids: number[]): Promise<Observation | string> {
  const rows: ReadRow[] = [];
  for (let i = 0; i < ids.length; i += CHUNK) {
    const r = await call(base, 'entities/get', { collectionName: collection, id: ids.slice(i, i + CHUNK), outputFields: ['version', 'payload', 'vector'], consistencyLevel: 'Strong' });
    if (r.outcome !== 'acked') return `entities/get: ${r.reason}: ${r.message ?? ''}`;
    rows.push(...(r.data as ReadRow[]));
  }
  const count = await call(base, 'entities/query', { collectionName: collection, filter: '', outputFields: ['count(*)'], consistencyLevel: 'Strong' });
  if (count.outcome !== 'acked') return `count(*): ${count.reason}: ${count.message ?? ''}`;
  return { rows, countStar: Number((count.data as Array<Record<string, number>>)[0]['count(*)']) };
}

/** Reads and checks until the check passes or `deadlineMs` passed; returns the last result. */
export async function settleAndCheck(
  base: string, collection: string, keys: ReadonlyMap<number, readonly Step[]>, deadlineMs: number, log: (s: string) => void,
): Promise<{ result: CheckResult | null; attempts: number; lastError?: string }> {
  const end = Date.now() + deadlineMs;
  const ids = [...keys.keys()].sort((a, b) => a - b);
  let result: CheckResult | null = null;
  let lastError: string | undefined;
  let attempts = 0;
  for (;;) {
    attempts++;
    const obs = await readFinalState(base, collection, ids);
    if (typeof obs === 'string') {
      lastError = obs;
      log(`final read failed: ${obs}`);
    } else {
      result = check(keys, obs);
      lastError = undefined;
      if (result.ok) break;
      log(`final check not clean yet: lost ${result.lost}, duplicated ${result.duplicated}, corrupted ${result.corrupted}; ${result.problems[0] ?? ''}`);
    }
    if (Date.now() + 5000 > end) break;
    await sleep(5000);
  }
  return { result, attempts, lastError };
}
