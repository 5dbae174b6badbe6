/**
 * The faults a chaos run injects, one at a time, each followed by recovery:
 *  - kill-indexer: SIGKILL a random indexer, restart it after 1-4 s;
 *  - kill-proxy: SIGKILL a random proxy, restart it on the same port after 1-4 s;
 *  - restart-kafka: restart the broker (same data);
 *  - redis-flush: FLUSHALL, then restart Redis (memory only: it comes back empty); the
 *    coordinator must restore itself from the object-store backups;
 *  - s3-outage: stop the object store for a while, then start it;
 *  - pause-indexer: SIGSTOP a random indexer for longer than its log-group session timeout (its
 *    shards move to the other one), then SIGCONT: it wakes up believing it still owns them and
 *    must be fenced.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import type { ChaosCluster } from './chaos-cluster.ts';
import type { Rng } from './rng.ts';
import type { ChaosServices } from './services.ts';

export const FAULT_KINDS = ['kill-indexer', 'kill-proxy', 'restart-kafka', 'redis-flush', 's3-outage', 'pause-indexer'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultContext {
  cluster: ChaosCluster;
  services: ChaosServices;
  rng: Rng;
  /** How long the object store stays down, ms. */
  s3OutageMs: number;
  /** How long an indexer stays stopped, ms (longer than the session timeout). */
  pauseMs: number;
  log(line: string): void;
}


/** Injects one fault and waits until what it broke was brought back. Resolves with a description. */
export async function inject(kind: FaultKind, x: FaultContext): Promise<string> {
  switch (kind) {
    case 'kill-indexer':
    case 'kill-proxy': {
      const role = kind === 'kill-proxy' ? 'proxy' : 'indexer';
      const i = x.rng.int(0, 1);
      const downMs = x.rng.int(1000, 4000);
      await x.cluster.kill(role, i);
      await sleep(downMs);
      await x.cluster.restart(role, i);
      return `${role} ${i} SIGKILLed, restarted after ${downMs} ms`;
    }
    case 'restart-kafka':
      await x.services.restart('kafka');
      return 'Kafka broker restarted';
    case 'redis-flush': {
      const redis = new Redis(x.services.env.QUIVER_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
      try {
        await redis.connect();
        await redis.flushall();
      } finally {
        redis.disconnect();
      }
      await x.services.restart('redis');
      return 'Redis FLUSHALL and restart';
    }
    case 's3-outage':
      await x.services.stop('s3');
      await sleep(x.s3OutageMs);
      await x.services.start('s3');
      return `object store stopped for ${x.s3OutageMs / 1000} s`;
    case 'pause-indexer': {
      const i = x.rng.int(0, 1);
      x.cluster.pause(i);
      await sleep(x.pauseMs);
      x.cluster.resume(i);
      return `indexer ${i} SIGSTOPped for ${x.pauseMs / 1000} s, then SIGCONT`;
    }
  }
}

/**
 * The order of faults: in quick mode each kind once, shuffled; otherwise rounds of all kinds,
 * each round shuffled, so every kind occurs and none clusters.
 */
export function faultOrder(rng: Rng, kinds: readonly FaultKind[], rounds: number): FaultKind[] {
  const out: FaultKind[] = [];
  for (let r = 0; r < rounds; r++) out.push(...rng.shuffle(kinds));
  return out;
}
