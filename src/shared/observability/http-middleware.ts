/**
 * Hono middleware every quiver HTTP listener runs first: a request id per request (the client's
 * `X-Request-Id` when it is sane, else a new UUID), echoed in the response header and attached to
 * every log line logged on the request's behalf; then the request is counted and timed by route
 * pattern (never the raw URL, which would explode the label space), HTTP status and Milvus code.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import { ErrorCode, QuiverError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { HttpMetrics } from './metrics.ts';

export const REQUEST_ID_HEADER = 'X-Request-Id';
/** Client-chosen ids are kept only when short and made of token characters (no log injection). */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;
/** Paths of the Milvus API, whose answers carry a `code` in the JSON envelope. */
const API_PREFIX = '/v2/vectordb/';

export interface RequestObservationOptions {
  logger: Logger;
  metrics: HttpMetrics;
  /** Also log one info line per request (errors with HTTP status >= 500 are always logged). */
  logRequests?: boolean;
  /** New request ids; default crypto.randomUUID. */
  newId?: () => string;
}

/** The request id to use: the incoming header when sane, else a fresh one. */
export function requestIdFor(incoming: string | undefined, newId: () => string): string {
  return incoming !== undefined && SANE_REQUEST_ID.test(incoming) ? incoming : newId();
}

/** The route pattern that answered, or "unmatched" when only middleware ran (404). */
export function routeLabel(c: Context): string {
  const handlers = matchedRoutes(c).filter((r) => r.method !== 'ALL');
  return handlers.length > 0 ? handlers[handlers.length - 1].path : 'unmatched';
}

/** The Milvus code of the answer, "" when the answer has no envelope. */
export function milvusCode(route: string, status: number, error: unknown): string {
  if (error instanceof QuiverError) return String(error.code);
  if (error !== undefined) return String(ErrorCode.Unexpected);
  return route.startsWith(API_PREFIX) && status === 200 ? String(ErrorCode.Success) : '';
}

/** The middleware; see the file comment. */
export function observeRequests(o: RequestObservationOptions): MiddlewareHandler {
  const newId = o.newId ?? (() => crypto.randomUUID());
  return async (c, next) => {
    const started = performance.now();
    const requestId = requestIdFor(c.req.header(REQUEST_ID_HEADER), newId);
    const run = async () => {
      await next();
      c.res.headers.set(REQUEST_ID_HEADER, requestId);
      const route = routeLabel(c);
      const status = c.res.status;
      const seconds = (performance.now() - started) / 1000;
      const code = milvusCode(route, status, c.error);
      o.metrics.httpRequest({ route, method: c.req.method, status, code, seconds });
      if (status >= 500) {
        o.logger.error('request failed', { method: c.req.method, route, status, code, ms: Math.round(seconds * 1000), error: c.error ? String(c.error) : undefined });
      } else if (o.logRequests) {
        o.logger.info('request', { method: c.req.method, route, status, code, ms: Math.round(seconds * 1000) });
      }
    };
    await (o.logger.scope ? o.logger.scope({ requestId }, run) : run());
  };
}
