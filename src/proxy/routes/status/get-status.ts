/**
 * GET /v2/quiver/status[?dbName=..&collectionName=..] — the same document and envelope as the
 * POST form (status.ts), for browsers, curl and monitoring scripts. Admitted exactly like every
 * other route: credentials and rate, then the endpoint's privilege (route-privileges.ts).
 */
import type { Hono } from 'hono';
import { ErrorCode } from '../../../shared/errors.ts';
import { DEFAULT_DATABASE } from '../../../shared/schema/types.ts';
import { defaultAccessControl } from '../../auth/access-control.ts';
import { parseBody } from '../../body.ts';
import type { ProxyServices } from '../../services.ts';
import { STATUS_PATH, statusBody, statusOf } from './status.ts';

/** Adds the GET form of the status endpoint to `app`. */
export function mountStatusGet(app: Hono, services: ProxyServices): void {
  const auth = services.auth ?? defaultAccessControl(services.coordinator, services.now);
  app.get(STATUS_PATH, async (c) => {
    const principal = await auth.admit(c.req.header('authorization'));
    const query: Record<string, string> = {};
    for (const key of ['dbName', 'collectionName']) {
      const value = c.req.query(key);
      if (value !== undefined && value !== '') query[key] = value;
    }
    const scope = parseBody(statusBody, query);
    await auth.authorize(principal, STATUS_PATH, scope.dbName ?? c.req.header('db-name') ?? DEFAULT_DATABASE, query);
    const data = await statusOf(services, scope);
    // Operational data changes every moment: never serve it from a cache.
    c.header('cache-control', 'no-store');
    return c.json({ code: ErrorCode.Success, data });
  });
}
