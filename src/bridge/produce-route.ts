/**
 * `POST /topics/{topic}`: produce records through the Log port (the native Kafka adapter:
 * idempotent producer, acks=all) and answer their offsets, as the Strimzi bridge's synchronous
 * produce does:
 *
 *   200 {"offsets": [{"partition": 2, "offset": 17}, ...]}            one entry per record, in order
 *   200 {"offsets": [{"error_code": 404, "message": "..."}, ...]}     the produce failed
 *
 * Durability: the answer is sent only after the Log's send resolved, i.e. after every record's
 * delivery report, so an answered offset is acknowledged by all in-sync replicas. One request is
 * one Log send: records keep their order within a partition, and the whole list is checked
 * (topic, partitions, sizes) before anything is produced. A send that fails reports the same
 * error on every record, as the Log port cannot tell which were written; as with the native
 * producer, some may have been (the caller retries: quiver's writes are idempotent by key).
 * `?async=true` answers 204 with no body, but still only after delivery.
 */
import type { Hono } from 'hono';
import { LogError, type Log } from '../shared/ports/log.ts';
import type { Logger } from '../shared/logger.ts';
import { bridgeJson, noContent, produceErrorStatus } from './bridge-errors.ts';
import { parseProduceRequest } from './produce-request.ts';

export interface ProduceRouteOptions {
  log: Log;
  logger: Logger;
}

/** Mounts the produce endpoint on `app`. Request errors propagate to the app's onError. */
export function mountProduceRoute(app: Hono, o: ProduceRouteOptions): void {
  app.post('/topics/:topic', async (c) => {
    const topic = c.req.param('topic');
    const records = parseProduceRequest(c.req.header('content-type'), await c.req.text());
    let offsets: number[];
    try {
      offsets = await o.log.send(topic, records);
    } catch (err) {
      if (!(err instanceof LogError)) throw err;
      const status = produceErrorStatus(err.kind);
      if (status >= 500) o.logger.warn('produce failed', { topic, records: records.length, kind: err.kind, error: err.message });
      return bridgeJson(c, { offsets: records.map(() => ({ error_code: status, message: err.message })) });
    }
    if (c.req.query('async') === 'true') return noContent();
    return bridgeJson(c, { offsets: records.map((r, i) => ({ partition: r.partition, offset: offsets[i] })) });
  });
}
