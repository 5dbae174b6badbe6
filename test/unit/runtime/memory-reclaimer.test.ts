import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startMemoryReclaimer } from '../../../src/shared/runtime/memory-reclaimer.ts';

const MiB = 1024 * 1024;

/** A reclaimer over a scripted off-heap counter; the periodic timer is parked far away. */
function scripted(threshold = 32 * MiB) {
  let external = 100 * MiB;
  let utilisation = 0;
  let collections = 0;
  const r = startMemoryReclaimer({
    intervalMs: 3_600_000, thresholdBytes: threshold, collect: () => collections++, external: () => external, busy: () => utilisation,
  });
  return {
    r,
    set(mib: number) {
      external = mib * MiB;
    },
    busy(u: number) {
      utilisation = u;
    },
    collections: () => collections,
  };
}

describe('memory reclaimer', () => {
  it('does nothing while off-heap memory stays below the threshold', () => {
    const s = scripted();
    s.set(120);
    assert.equal(s.r.check(), false);
    s.set(131);
    assert.equal(s.r.check(), false);
    assert.equal(s.collections(), 0);
    s.r.stop();
  });

  it('collects on growth, reads the new level one check later, and collects once more when the burst is over', () => {
    const s = scripted();
    s.set(400);
    assert.equal(s.r.check(), true, 'growth past the threshold collects');
    // The counter is stale right after a collection: this check only takes it as the reference.
    assert.equal(s.r.check(), false);
    // Still moving: the burst goes on.
    s.set(410);
    assert.equal(s.r.check(), false);
    // Not moving any more: one more collection frees what the burst left behind.
    assert.equal(s.r.check(), true);
    s.set(150);
    assert.equal(s.r.check(), false, 'settling after the second collection');
    assert.equal(s.r.check(), false, 'idle after the burst: no further collections');
    assert.equal(s.r.check(), false);
    assert.equal(s.collections(), 2);
    s.r.stop();
  });

  it('takes memory that is really in use as the new reference point', () => {
    const s = scripted();
    s.set(300);
    assert.equal(s.r.check(), true);
    assert.equal(s.r.check(), false);
    assert.equal(s.r.check(), true, 'the after-burst collection');
    assert.equal(s.r.check(), false);
    // The 300 MiB stayed (live data): no collection however often it is checked.
    for (let i = 0; i < 5; i++) assert.equal(s.r.check(), false);
    s.set(320);
    assert.equal(s.r.check(), false, '20 MiB over the live level is below the threshold');
    assert.equal(s.collections(), 2);
    s.r.stop();
  });

  it('waits while the event loop is busy serving, then collects when the load drops', () => {
    const s = scripted();
    s.busy(0.9);
    s.set(500);
    assert.equal(s.r.check(), false, 'no full collection under load');
    s.set(700);
    assert.equal(s.r.check(), false);
    assert.equal(s.collections(), 0);
    s.busy(0.05);
    assert.equal(s.r.check(), true, 'the load dropped: the growth is collected');
    assert.equal(s.r.check(), false, 'settling');
    assert.equal(s.r.check(), true, 'the burst is over: one more');
    assert.equal(s.collections(), 2);
    s.r.stop();
  });

  it('lowers its reference point when V8 freed memory on its own', () => {
    const s = scripted();
    s.set(60);
    assert.equal(s.r.check(), false);
    s.set(95);
    assert.equal(s.r.check(), true, '35 MiB over the lower point collects');
    s.r.stop();
  });

  it('is active exactly when Node exposes a collector', () => {
    const r = startMemoryReclaimer({ external: () => 0 });
    assert.equal(r.active, typeof (globalThis as { gc?: unknown }).gc === 'function');
    r.stop();
  });
});
