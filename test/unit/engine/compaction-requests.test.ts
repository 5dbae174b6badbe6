/**
 * Explicit compaction requests (collections/compact) against a real indexer: a request that
 * arrives while a background merge is running must run once that merge ends, not be dropped.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { afterEach, describe, it } from 'node:test';
import type { IndexBuilder } from '../../../src/indexer/build/index-builder.ts';
import { Indexer } from '../../../src/indexer/indexer.ts';
import { shardKeys } from '../../../src/shared/catalog/keys.ts';
import { configSchema } from '../../../src/shared/config/schema.ts';
import { silentLogger } from '../../../src/shared/logger.ts';
import { eventually, openHarness, type Harness } from './indexer-harness.ts';

/** A builder whose first build waits until `release()`; later builds answer at once. */
function gatedBuilder() {
  let open: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  let builds = 0;
  const builder: IndexBuilder = {
    async build() {
      builds++;
      if (builds === 1) await gate;
      return new Uint8Array([1, 2, 3]);
    },
    close: async () => undefined,
  };
  return { builder, release: () => open(), started: () => builds > 0 };
}

describe('compaction requests', () => {
  let h: Harness | null = null;
  let indexer: Indexer | null = null;
  afterEach(async () => {
    await indexer?.stop(2000);
    indexer = null;
    await h?.close();
    h = null;
  });

  it('runs a full compaction requested while a background merge is running', async () => {
    h = await openHarness(1);
    const gated = gatedBuilder();
    const config = { ...configSchema.parse({}).indexer, flushIntervalMs: 20, hnswMinRows: 10, l0MergeCount: 2, tierMergeCount: 100 };
    indexer = new Indexer({
      log: h.log, objects: h.objects, coordinator: h.coordinator, catalog: h.catalog, builder: gated.builder, config,
      topicPrefix: 'quiver.', logger: silentLogger, now: () => Date.now(), newId: randomUUID,
    });
    indexer.start();
    const segments = async () => (await h!.manifests.read(h!.collection.id, 0))?.manifest.segments ?? [];

    // The first flushed segment is large enough for an index: its merge blocks in the build.
    await h.write(0, 20);
    assert.ok(await eventually(async () => gated.started()), 'the background merge started');

    // Meanwhile: more flushed rows, and an explicit compaction request.
    await h.write(20, 40);
    await h.write(40, 60);
    assert.ok(await eventually(async () => (await segments()).reduce((n, s) => n + s.rows, 0) === 60), 'every write was published');
    await h.coordinator.commit([{ kind: 'put', key: shardKeys.compactRequest(h.collection.id), value: String(Date.now()) }]);
    await new Promise((r) => setTimeout(r, 100));
    gated.release();

    // The request is served after the background merge: one segment holding every row.
    assert.ok(await eventually(async () => (await segments()).length === 1), JSON.stringify(await segments()));
    const [only] = await segments();
    assert.equal(only.rows, 60);
    assert.equal(only.level, 1);
    assert.deepEqual((await h.storedKeys(0)).sort((a, b) => a - b), Array.from({ length: 60 }, (_, i) => i));
  });
});
