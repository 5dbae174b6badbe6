/**
 * Found by the chaos run (Redis restarted under load): a coordinator outage that reached the HTTP
 * layer untranslated was answered 65535 "internal error" (HTTP 500). Backend outages must reach
 * clients as quiver's retryable 2201 (HTTP 503).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CoordinatorUnavailableError } from '../../../src/shared/ports/coordinator.ts';
import { openHarness } from '../routes/management-harness.ts';

describe('backend outages through the HTTP app', () => {
  it('answer 2201 / HTTP 503 when the coordinator is unavailable', async () => {
    const h = await openHarness();
    try {
      const created = await h.post('/v2/vectordb/collections/create', { collectionName: 'outage_c', dimension: 4 });
      assert.equal(created.json.code, 0, JSON.stringify(created.json));
      h.services.coordinator.get = async () => {
        throw new CoordinatorUnavailableError('redis coordinator get failed: connection is closed');
      };
      h.services.coordinator.list = h.services.coordinator.get as never;
      const r = await h.post('/v2/vectordb/collections/describe', { collectionName: 'outage_c' });
      assert.equal(r.status, 503, JSON.stringify(r.json));
      assert.equal(r.json.code, 2201);
      assert.match(r.json.message, /unavailable/);
    } finally {
      await h.close();
    }
  });
});
