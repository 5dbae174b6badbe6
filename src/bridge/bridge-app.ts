/**
 * The bridge's HTTP app: the subset of the Strimzi Kafka Bridge REST API that quiver's edge
 * proxy uses (adapters/kafka-bridge), with the same paths, content types, JSON shapes, statuses
 * and `{error_code, message}` errors, so either bridge serves the edge:
 *
 *   POST /topics/{topic}                         produce (binary embedded format), produce-route.ts
 *   GET  /topics, /topics/{t}/partitions/{p}/offsets                               topic-routes.ts
 *   GET  /healthy, /ready                        204 while serving; 500 / 503 once stopping
 *   GET  /                                       {"bridge_version": "quiver"}
 *
 * Bodies over `maxBodyBytes` are refused with 413 before they are read in full (Content-Length,
 * else counted while streaming). Anything unexpected is 500 and logged; nothing else is logged
 * per request.
 */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { LogError, type Log } from '../shared/ports/log.ts';
import type { Logger } from '../shared/logger.ts';
import { BridgeRequestError, bridgeErrorAnswer, bridgeJson, noContent } from './bridge-errors.ts';
import { mountProduceRoute } from './produce-route.ts';
import { mountTopicRoutes } from './topic-routes.ts';

export interface BridgeAppOptions {
  /** The Log records are produced into (the Kafka adapter in a real bridge). */
  log: Log;
  /** Largest accepted request body, bytes; larger ones answer 413. */
  maxBodyBytes: number;
  logger: Logger;
  /** False once the bridge is stopping: /healthy and /ready then fail, like Strimzi's. */
  serving: () => boolean;
}

/** Builds the app; it holds no state besides what `options` provides. */
export function newBridgeApp(o: BridgeAppOptions): Hono {
  const app = new Hono();

  app.get('/', (c) => bridgeJson(c, { bridge_version: 'quiver' }));
  app.get('/healthy', (c) => (o.serving() ? noContent() : bridgeErrorAnswer(c, 500, 'the bridge is stopping')));
  app.get('/ready', (c) => (o.serving() ? noContent() : bridgeErrorAnswer(c, 503, 'the bridge is stopping')));

  app.use(
    '/topics/*',
    bodyLimit({
      maxSize: o.maxBodyBytes,
      onError: (c) => bridgeErrorAnswer(c, 413, `the request body exceeds the limit of ${o.maxBodyBytes} bytes`),
    }),
  );
  mountProduceRoute(app, { log: o.log, logger: o.logger });
  mountTopicRoutes(app, o.log);

  app.notFound((c) => bridgeErrorAnswer(c, 404, 'Not Found'));
  app.onError((err, c) => {
    if (err instanceof BridgeRequestError) return bridgeErrorAnswer(c, err.status, err.message);
    if (err instanceof LogError && (err.kind === 'unavailable' || err.kind === 'closed')) {
      return bridgeErrorAnswer(c, 503, err.message);
    }
    o.logger.error('bridge request failed', { method: c.req.method, path: c.req.path, error: String(err) });
    return bridgeErrorAnswer(c, 500, 'Internal Server Error');
  });
  return app;
}
