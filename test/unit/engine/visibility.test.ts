import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SegmentData } from '../../../src/shared/segment/format.ts';
import { VisibilityTracker } from '../../../src/shared/segment/visibility.ts';

function seg(rows: Array<[number, number]>, tombs: Array<[number, number]> = []): Pick<SegmentData, 'pks' | 'lsns' | 'tombstones'> {
  return {
    pks: rows.map((r) => r[0]),
    lsns: Float64Array.from(rows.map((r) => r[1])),
    tombstones: { pks: tombs.map((t) => t[0]), lsns: Float64Array.from(tombs.map((t) => t[1])) },
  };
}

describe('VisibilityTracker', () => {
  it('keeps the newest entry of each key across segments', () => {
    const t = new VisibilityTracker();
    t.add(seg([[1, 0], [2, 0], [3, 1]]));
    t.add(seg([[2, 5]], [[3, 6]]));
    const live = t.bitmaps();
    assert.deepEqual([...live[0]], [1, 0, 0]);
    assert.deepEqual([...live[1]], [1]);
    assert.equal(t.liveCount(), 2);
    assert.deepEqual(t.locate(2), { segment: 1, row: 0 });
    assert.equal(t.locate(3), null);
  });

  it('lets a later insert revive a deleted key, and ignores late older entries', () => {
    const t = new VisibilityTracker();
    t.add(seg([[1, 1]], [[1, 2]]));
    t.add(seg([[1, 3]]));
    t.add(seg([[1, 0]])); // an older write arriving in a later segment loses
    assert.deepEqual(t.locate(1), { segment: 1, row: 0 });
    assert.deepEqual([...t.bitmaps()[2]], [0]);
  });

  it('resolves duplicate keys inside one record to the later row', () => {
    const t = new VisibilityTracker();
    t.add(seg([[7, 4], [7, 4]]));
    assert.deepEqual([...t.bitmaps()[0]], [0, 1]);
  });

  it('never mutates bitmaps a reader already holds', () => {
    const t = new VisibilityTracker();
    t.add(seg([[1, 0], [2, 0]]));
    const before = t.bitmaps();
    const snapshot = [...before[0]];
    t.add(seg([[1, 1]]));
    assert.deepEqual([...before[0]], snapshot);
    assert.deepEqual([...t.bitmaps()[0]], [0, 1]);
  });
});
