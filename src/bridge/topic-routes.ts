/**
 * The read-only topic endpoints of the Strimzi bridge that quiver's edge uses:
 *
 *   GET /topics                                   200 ["topic", ...] (Kafka's internal "__" topics left out)
 *   GET /topics/{topic}/partitions/{p}/offsets    200 {"beginning_offset": 0, "end_offset": 42}
 *
 * A topic or partition that does not exist is 404, a partition id that is not a number 400, and
 * Kafka unreachable 503, each with the bridge's `{error_code, message}` document.
 */
import type { Hono } from 'hono';
import { LogError, type Log } from '../shared/ports/log.ts';
import { BridgeRequestError, bridgeErrorAnswer, bridgeJson, offsetsErrorStatus } from './bridge-errors.ts';

const INT32_MAX = 2 ** 31 - 1;

/** Mounts the topic endpoints on `app`. */
export function mountTopicRoutes(app: Hono, log: Log): void {
  app.get('/topics', async (c) => bridgeJson(c, await log.listTopics()));

  app.get('/topics/:topic/partitions/:partition/offsets', async (c) => {
    const topic = c.req.param('topic');
    const partition = partitionId(c.req.param('partition'));
    const tp = { topic, partition };
    try {
      const [beginning, end] = await Promise.all([log.earliestOffset(tp), log.latestOffset(tp)]);
      return bridgeJson(c, { beginning_offset: beginning, end_offset: end });
    } catch (err) {
      if (!(err instanceof LogError)) throw err;
      return bridgeErrorAnswer(c, offsetsErrorStatus(err.kind), err.message);
    }
  });
}

/** The partition id of a path, a non-negative int32. @throws BridgeRequestError 400 otherwise. */
function partitionId(text: string): number {
  const n = /^\d{1,10}$/.test(text) ? Number(text) : NaN;
  if (!(n <= INT32_MAX)) {
    throw new BridgeRequestError(400, `Parameter error on: partitionid - expected a non-negative integer, got ${JSON.stringify(text)}`);
  }
  return n;
}
