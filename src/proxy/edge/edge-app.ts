/**
 * The edge proxy's HTTP app: the same Hono app as on Node (newApp) for the requests the edge
 * serves itself — insert and upsert, validated against the catalog and produced to the log — and
 * a forwarding layer for everything else, sent unchanged to the Node tier: reads that need loaded
 * segments (search, hybrid_search, query, get), deletes (a filter is evaluated against the
 * segments), management and DDL (the edge's catalog is a read-only view), and inserts into
 * autoID collections (ids come from the coordinator's sequence, which only the Node tier can
 * advance). Unknown paths get the app's own 404.
 */
import { Hono } from 'hono';
import { ErrorCode, QuiverError } from '../../shared/errors.ts';
import { DEFAULT_DATABASE, primaryField } from '../../shared/schema/types.ts';
import { newApp } from '../app.ts';
import { readWebBody } from '../request-body.ts';
import type { RouteDef } from '../route.ts';
import { allRoutes } from '../routes/index.ts';
import type { ProxyServices } from '../services.ts';
import { forwardRequest, type ForwardOptions } from './forward.ts';

export const INSERT_PATH = '/v2/vectordb/entities/insert';
export const UPSERT_PATH = '/v2/vectordb/entities/upsert';
/** Served at the edge; every other route of the API is forwarded. */
export const EDGE_PATHS: ReadonlySet<string> = new Set([INSERT_PATH, UPSERT_PATH]);

export interface EdgeAppOptions {
  /** Where forwarded requests go (the Node tier). */
  forward: ForwardOptions;
  /** Every route of the API (default: all of quiver's). */
  routes?: RouteDef[];
}

function errorResponse(err: unknown): Response {
  if (err instanceof QuiverError) return Response.json({ code: err.code, message: err.message }, { status: err.httpStatus });
  const message = err instanceof Error ? err.message : String(err);
  return Response.json({ code: ErrorCode.Unexpected, message: `internal error: ${message}` }, { status: 500 });
}

/**
 * Whether the Node tier must answer this write instead of the edge: a body that is not JSON (the
 * JSON parser's message differs between runtimes, and the client must get the Node proxy's exact
 * answer), and an insert into an autoID collection. Anything else, valid or not, is answered by
 * the local app, which validates it exactly as the Node proxy does.
 */
async function mustForward(services: ProxyServices, path: string, text: string, dbHeader: string | undefined): Promise<boolean> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return true;
  }
  if (path !== INSERT_PATH) return false;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return false;
  const body = raw as { collectionName?: unknown; dbName?: unknown };
  if (typeof body.collectionName !== 'string') return false;
  const db = (typeof body.dbName === 'string' && body.dbName) || dbHeader || DEFAULT_DATABASE;
  try {
    const c = await services.catalog.findCollection(db, body.collectionName);
    return c !== null && primaryField(c).autoId === true;
  } catch {
    // The local app will meet the same failure and answer it properly.
    return false;
  }
}

/** Builds the edge app over services whose reader is a ForwardedReadTier. */
export function newEdgeApp(services: ProxyServices, options: EdgeAppOptions): Hono {
  const routes = options.routes ?? allRoutes;
  const local = newApp(services, routes.filter((r) => EDGE_PATHS.has(r.path)));
  const forward = (request: Request, body?: string) => forwardRequest(request, options.forward, body);
  const app = new Hono();

  app.get('/healthz', (c) => c.json({ status: 'ok', role: 'edge' }));
  // The full API description lives with the full API.
  app.get('/v2/openapi.json', (c) => forward(c.req.raw));
  for (const route of routes) {
    if (!EDGE_PATHS.has(route.path)) app.post(route.path, (c) => forward(c.req.raw));
  }
  for (const path of EDGE_PATHS) {
    app.post(path, async (c) => {
      // The body is read once, under the app's own limit, and handed to whichever side answers.
      const text = await readWebBody(c, services.settings.maxBodyBytes);
      if (await mustForward(services, path, text, c.req.header('db-name'))) return forward(c.req.raw, text);
      const headers = new Headers(c.req.raw.headers);
      headers.delete('content-length');
      headers.delete('transfer-encoding');
      return local.fetch(new Request(c.req.raw.url, { method: 'POST', headers, body: text }));
    });
  }
  // Unknown paths: the app's own 404, as on Node.
  app.all('*', (c) => local.fetch(c.req.raw));
  app.onError((err) => errorResponse(err));
  return app;
}
