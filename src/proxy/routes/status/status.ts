/**
 * POST /v2/quiver/status — the cluster's status document (src/shared/ops/status-schema.ts):
 * databases and collections with schema summary, load state and row counts; per shard its
 * segments, checkpoint, log end offset and lag; and the live processes. Body (all optional):
 * `dbName` limits it to one database, `collectionName` to one collection (of dbName, default
 * "default"); a named database or collection that does not exist answers 800 / 100.
 * The same document is served at GET /v2/quiver/status (get-status.ts) for browsers and curl.
 */
import { z } from 'zod';
import { collectionNotFound, databaseNotFound } from '../../../shared/errors.ts';
import { collectStatus, type StatusScope } from '../../../shared/ops/status-model.ts';
import type { QuiverStatus } from '../../../shared/ops/status-schema.ts';
import { DEFAULT_DATABASE } from '../../../shared/schema/types.ts';
import { effectiveLoadState } from '../../ops/collection-loading.ts';
import { defineRoute, ok } from '../../route.ts';
import type { ProxyServices } from '../../services.ts';

export const STATUS_PATH = '/v2/quiver/status';

/** Optional scope of a status request. */
export const statusBody = z.object({
  dbName: z.string().optional(),
  collectionName: z.string().optional(),
});

/**
 * The status document as this proxy sees it (load state and live rows are its own). Throws 800
 * / 100 for a named database / collection that does not exist; the coordinator's error when it
 * cannot be read.
 */
export async function statusOf(s: ProxyServices, scope: StatusScope): Promise<QuiverStatus> {
  const dbName = scope.dbName || (scope.collectionName ? DEFAULT_DATABASE : undefined);
  if (dbName !== undefined && !(await s.catalog.getDatabase(dbName))) throw databaseNotFound(dbName);
  const status = await collectStatus(
    {
      catalog: s.catalog,
      manifests: s.manifests,
      coordinator: s.coordinator,
      log: s.log,
      loadState: (c) => effectiveLoadState(s, c),
      liveRows: async (c) => (s.reader.loadState(c.id) === 'LoadStateLoaded' ? s.reader.count(c, null, null) : null),
      now: s.now,
    },
    { dbName, collectionName: scope.collectionName || undefined },
  );
  if (scope.collectionName && status.databases[0]?.collections.length === 0) {
    throw collectionNotFound(dbName ?? DEFAULT_DATABASE, scope.collectionName);
  }
  return status;
}

export const statusRoute = defineRoute({
  path: STATUS_PATH,
  body: statusBody,
  async handle(ctx, body) {
    return ok(await statusOf(ctx.services, body));
  },
});
