/**
 * The HTTP application: Milvus RESTful API v2 on Hono. Runtime-agnostic — it gets its services
 * injected and imports nothing node-only, so the same app runs on Node and on Workers.
 */
import { Hono, type MiddlewareHandler } from 'hono';
import { ErrorCode, QuiverError, unavailable } from '../shared/errors.ts';
import { CoordinatorUnavailableError } from '../shared/ports/coordinator.ts';
import { LogError } from '../shared/ports/log.ts';
import { ObjectStoreUnavailableError } from '../shared/ports/object-store.ts';
import { DEFAULT_DATABASE } from '../shared/schema/types.ts';
import { defaultAccessControl, type AccessControl } from './auth/access-control.ts';
import { parseBody, parseJsonBody } from './body.ts';
import { OPENAPI_PATH, openApiDocument } from './openapi.ts';
import { readWebBody, type BodyReader } from './request-body.ts';
import type { RequestContext, RouteDef } from './route.ts';
import { allRoutes } from './routes/index.ts';
import type { ProxyServices } from './services.ts';

/** Milvus answers business errors with HTTP 200 and {code, message}. */
function errorBody(err: unknown): { status: number; body: { code: number; message: string } } {
  if (err instanceof QuiverError) {
    return { status: err.httpStatus, body: { code: err.code, message: err.message } };
  }
  // A backend outage that reached here untranslated (Redis restarting under a catalog read, say)
  // is still an outage: the client must get the retryable 2201, not 65535 "internal error".
  if (err instanceof CoordinatorUnavailableError || err instanceof ObjectStoreUnavailableError || (err instanceof LogError && err.kind === 'unavailable')) {
    const e = unavailable('backend', err);
    return { status: e.httpStatus, body: { code: e.code, message: e.message } };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { status: 500, body: { code: ErrorCode.Unexpected, message: `internal error: ${message}` } };
}

function deadlineFrom(header: string | undefined, now: number, fallbackMs: number): number {
  const seconds = header === undefined ? NaN : Number(header);
  return now + (Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : fallbackMs);
}

/** Runtime-specific parts of the app. */
export interface AppOptions {
  /** How request bodies are read; default: through the web `Request` (works everywhere). */
  readBody?: BodyReader;
  /** Runs before every route (request ids, metrics, access logs), in order. */
  middleware?: MiddlewareHandler[];
}

/** Services without access control get auth off and the default limits. */
function withAccess(services: ProxyServices): ProxyServices & { auth: AccessControl } {
  if (services.auth) return services as ProxyServices & { auth: AccessControl };
  return { ...services, auth: defaultAccessControl(services.coordinator, services.now) };
}

/**
 * Builds the app over the given services. Extra routes (health, metrics) can be added by callers.
 * Every route is admitted the same way (auth/access-control.ts): credentials and rate before the
 * body is read, body limits before the route's schema, privileges before the handler.
 */
export function newApp(given: ProxyServices, routes: RouteDef[] = allRoutes, options: AppOptions = {}): Hono {
  const app = new Hono();
  const readBody = options.readBody ?? readWebBody;
  const services = withAccess(given);
  const { auth } = services;
  for (const m of options.middleware ?? []) app.use('*', m);

  for (const route of routes) {
    app.post(route.path, async (c) => {
      const started = services.now();
      const principal = await auth.admit(c.req.header('authorization'));
      const raw = parseJsonBody(await readBody(c, services.settings.maxBodyBytes));
      auth.checkBody(route.path, raw);
      const body = parseBody(route.body, raw) as Record<string, unknown>;
      const headers: Record<string, string> = {};
      const ctx: RequestContext = {
        services,
        principal,
        dbName: (typeof body.dbName === 'string' && body.dbName) || c.req.header('db-name') || DEFAULT_DATABASE,
        int64AsNumber: (c.req.header('accept-type-allow-int64') ?? '').toLowerCase() === 'true',
        deadline: deadlineFrom(c.req.header('request-timeout'), started, services.settings.requestTimeoutMs),
        header: (name) => c.req.header(name),
        setHeader: (name, value) => {
          headers[name] = value;
        },
      };
      await auth.authorize(principal, route.path, ctx.dbName, body);
      const result = await route.handle(ctx, body);
      for (const [k, v] of Object.entries(headers)) c.header(k, v);
      return c.json({ code: ErrorCode.Success, ...(result.extra ?? {}), data: result.data });
    });
  }

  // The API's own description, from the same schemas; public like the API's shape itself.
  let openApi: ReturnType<typeof openApiDocument> | undefined;
  app.get(OPENAPI_PATH, (c) => c.json((openApi ??= openApiDocument(routes))));

  app.notFound((c) => c.text('404 page not found', 404));
  app.onError((err, c) => {
    const { status, body } = errorBody(err);
    return c.json(body, status as 200);
  });
  return app;
}
