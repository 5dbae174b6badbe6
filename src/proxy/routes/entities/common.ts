/**
 * Helpers shared by the entity endpoints: resolving the collection and partitions, waiting for
 * the requested consistency, compiling filters and formatting rows for JSON.
 */
import { z } from 'zod';
import { ErrorCode, QuiverError, invalidParameter } from '../../../shared/errors.ts';
import type { CompiledFilter } from '../../../shared/filter/index.ts';
import { formatRow, resolveOutputFields, type OutputPlan } from '../../../shared/schema/output.ts';
import { DEFAULT_PARTITION, type CollectionInfo } from '../../../shared/schema/types.ts';
import { awaitTargets, readTargets, resolveLevel } from '../../read/consistency.ts';
import type { FoundRow, Hit } from '../../read/read-tier.ts';
import type { RequestContext } from '../../route.ts';
import { formatToken, SESSION_HEADER, type ShardOffsets } from '../../write/session-tracker.ts';

/** Milvus caps limit + offset of query and search at this many rows. */
export const MAX_RESULT_WINDOW = 16384;

export const exprParamsSchema = z.record(z.string(), z.unknown()).optional();
export const consistencySchema = z.string().optional();
export const partitionNamesSchema = z.array(z.string()).optional();
export const outputFieldsSchema = z.array(z.string()).optional();

export async function collectionFor(ctx: RequestContext, name: string): Promise<CollectionInfo> {
  return ctx.services.catalog.requireCollection(ctx.dbName, name);
}

/** Partition ids for names (null = all partitions); code 200 for an unknown name. */
export function partitionIdsFor(c: CollectionInfo, names: string[] | undefined): number[] | null {
  if (!names || names.length === 0) return null;
  return names.map((n) => {
    const p = c.partitions.find((x) => x.name === n);
    if (!p) throw new QuiverError(ErrorCode.PartitionNotFound, `partition not found[partition=${n}]`);
    return p.id;
  });
}

/** The id of the partition a write goes to (the default partition when unnamed). */
export function writePartitionId(c: CollectionInfo, name: string | undefined): number {
  return partitionIdsFor(c, [name || DEFAULT_PARTITION])![0];
}

/**
 * Checks the collection is loaded here and waits for the read's consistency level.
 * Milvus answers code 101 for reads on a collection that is not loaded.
 */
export async function prepareRead(ctx: RequestContext, c: CollectionInfo, level: string | undefined): Promise<void> {
  const s = ctx.services;
  if (s.reader.loadState(c.id) === 'LoadStateNotLoad') {
    if (!c.loaded) throw new QuiverError(101, `collection not loaded[collection=${c.name}]`);
    await s.reader.load(c); // loaded in the catalog by another proxy
  }
  const targets = await readTargets(s, s.sessions, c, resolveLevel(level, c), ctx.header);
  await awaitTargets(s, c, targets, ctx.deadline);
}

export function compileFilterFor(
  ctx: RequestContext,
  c: CollectionInfo,
  filter: string | undefined,
  exprParams: Record<string, unknown> | undefined,
): CompiledFilter | null {
  if (!filter || filter.trim() === '') return null;
  return ctx.services.filters.compile(filter, c, exprParams);
}

/** Checks limit/offset against Milvus bounds (1100 when out of range). */
export function checkWindow(limit: number, offset: number, maxOffset = MAX_RESULT_WINDOW): void {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_RESULT_WINDOW) {
    throw invalidParameter(`limit [${limit}] is invalid, should be in range [1, ${MAX_RESULT_WINDOW}]`);
  }
  if (!Number.isInteger(offset) || offset < 0 || offset > maxOffset) {
    throw invalidParameter(`offset [${offset}] is invalid, should be in range [0, ${maxOffset}]`);
  }
  if (limit + offset > MAX_RESULT_WINDOW) {
    throw invalidParameter(`(offset+limit) should be in range [1, ${MAX_RESULT_WINDOW}], but got ${limit + offset}`);
  }
}

export function formatFound(ctx: RequestContext, plan: OutputPlan, rows: FoundRow[]): Record<string, unknown>[] {
  return rows.map((r) => formatRow(plan, r.source, r.row, { int64AsNumber: ctx.int64AsNumber }));
}

export function formatHits(ctx: RequestContext, plan: OutputPlan, hits: Hit[]): Record<string, unknown>[] {
  return hits.map((h) => ({ ...formatRow(plan, h.source, h.row, { int64AsNumber: ctx.int64AsNumber }), distance: h.distance }));
}

export { resolveOutputFields };

/** Records the write for Session reads and answers its token in a response header. */
export function answerToken(ctx: RequestContext, c: CollectionInfo, offsets: ShardOffsets): void {
  ctx.services.sessions.record(c.id, offsets);
  ctx.setHeader(SESSION_HEADER, formatToken(c.id, offsets));
}
