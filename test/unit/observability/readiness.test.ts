/**
 * Readiness logic (checks combined, failures and hangs named), the backend probes, the indexer's
 * shard problems, and the retention-gap acceptance rules.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gapAccepted, gapReason, parseAcceptedGaps } from '../../../src/indexer/retention-gap.ts';
import { shardProblems } from '../../../src/indexer/indexer-health.ts';
import type { ShardState } from '../../../src/indexer/shard-state.ts';
import { backendChecks, evaluateReadiness, type ReadinessCheck } from '../../../src/shared/observability/readiness.ts';
import type { Coordinator } from '../../../src/shared/ports/coordinator.ts';
import type { Log } from '../../../src/shared/ports/log.ts';
import type { ObjectStore } from '../../../src/shared/ports/object-store.ts';

const ok = (name: string): ReadinessCheck => ({ name, run: async () => [] });

describe('evaluateReadiness', () => {
  it('is ready when every check passes', async () => {
    assert.deepEqual(await evaluateReadiness([ok('a'), ok('b')]), { ready: true, checks: ['a', 'b'], notReady: [] });
  });

  it('names what is not ready: findings, rejections and checks that hang', async () => {
    const report = await evaluateReadiness(
      [
        ok('log'),
        { name: 'shards', run: async () => [{ component: 'shard 7/1', reason: 'retention gap' }] },
        { name: 'objectStore', run: async () => Promise.reject(new Error('connect ECONNREFUSED')) },
        { name: 'coordinator', run: () => new Promise(() => {}) },
      ],
      100,
    );
    assert.equal(report.ready, false);
    assert.deepEqual(report.notReady, [
      { component: 'shard 7/1', reason: 'retention gap' },
      { component: 'objectStore', reason: 'unreachable: connect ECONNREFUSED' },
      { component: 'coordinator', reason: 'no answer within 100 ms' },
    ]);
  });
});

describe('backendChecks', () => {
  it('probes the log, the object store and the coordinator', async () => {
    const calls: string[] = [];
    const ports = {
      log: { listTopics: async () => (calls.push('log'), []) } as unknown as Log,
      objects: { head: async (k: string) => (calls.push(`head ${k}`), null) } as unknown as ObjectStore,
      coordinator: { get: async () => Promise.reject(new Error('redis down')) } as unknown as Coordinator,
    };
    const report = await evaluateReadiness(backendChecks(ports));
    assert.deepEqual(report.checks, ['log', 'objectStore', 'coordinator']);
    assert.deepEqual(report.notReady, [{ component: 'coordinator', reason: 'unreachable: redis down' }]);
    assert.deepEqual(calls, ['log', 'head health/readiness-probe']);
  });
});

describe('indexer shard readiness', () => {
  it('reports shards stopped by a retention gap, not active or fenced ones', () => {
    const shard = (id: number, n: number, status: string, reason = '') =>
      ({ collection: { id }, shard: n, status, reason }) as unknown as ShardState;
    assert.deepEqual(shardProblems([shard(5, 0, 'active'), shard(5, 1, 'retention-gap', 'why'), shard(6, 0, 'fenced')]), [
      { component: 'shard 5/1', reason: 'why' },
    ]);
  });
});

describe('retention gap acceptance', () => {
  it('parses the operator setting', () => {
    assert.deepEqual([...parseAcceptedGaps(' 12/0@1500, 12/3@7')], [['12/0', 1500], ['12/3', 7]]);
    assert.deepEqual([...parseAcceptedGaps('')], []);
  });

  it('covers gaps up to the accepted offset only', () => {
    const accepted = parseAcceptedGaps('12/0@1500');
    assert.equal(gapAccepted(accepted, 12, 0, 1500), true);
    assert.equal(gapAccepted(accepted, 12, 0, 900), true);
    assert.equal(gapAccepted(accepted, 12, 0, 1501), false, 'a larger, later gap stops the shard again');
    assert.equal(gapAccepted(accepted, 12, 1, 10), false);
    assert.equal(gapAccepted(accepted, 13, 0, 10), false);
  });

  it('tells the operator the exact setting', () => {
    assert.match(gapReason(12, 0, 40, 1500), /offsets 40\.\.1499 .*QUIVER_ACCEPT_RETENTION_GAP=12\/0@1500/);
    assert.match(gapReason(12, 0, 40, 0, 10), /ends at offset 10/);
  });

  it('rejects a malformed setting at start', async () => {
    const { loadConfig, ConfigError } = await import('../../../src/shared/config/load.ts');
    assert.equal(loadConfig({ env: { QUIVER_ACCEPT_RETENTION_GAP: '12/0@15,3/1@2' }, file: '/dev/null' }).indexer.acceptRetentionGap, '12/0@15,3/1@2');
    assert.throws(() => loadConfig({ env: { QUIVER_ACCEPT_RETENTION_GAP: '12:0' }, file: '/dev/null' }), (e: Error) => e instanceof ConfigError && /acceptRetentionGap/.test(e.message));
  });
});
