/**
 * Turns the search parameters of a request (top-level and searchParams, which Milvus merges) into
 * a SearchPlan: the target vector field, its metric, the query vectors, limit/offset, ef and the
 * range-search bounds.
 */
import { ErrorCode, QuiverError, invalidParameter, missingParameter } from '../../../shared/errors.ts';
import type { CompiledFilter } from '../../../shared/filter/index.ts';
import { parsePrimaryKeys } from '../../../shared/schema/primary-keys.ts';
import { concatColumns } from '../../../shared/schema/vector-column.ts';
import { parseVector } from '../../../shared/schema/vector-values.ts';
import {
  isVectorType, vectorFields, vectorKind, type CollectionInfo, type FieldSchema, type MetricType, type VectorColumn,
} from '../../../shared/schema/types.ts';
import type { SearchPlan } from '../../read/read-tier.ts';
import type { RequestContext } from '../../route.ts';
import { checkWindow } from './common.ts';
import { fieldMetric } from '../../../shared/schema/field-metric.ts';

/** Milvus bounds the search offset separately from the result window. */
const MAX_SEARCH_OFFSET = 16384;

export interface SearchInput {
  data?: unknown[];
  ids?: unknown;
  annsField?: string;
  limit?: number;
  offset?: number;
  searchParams?: Record<string, unknown>;
  /** Hybrid sub-searches put the parameters in `params`. */
  params?: Record<string, unknown>;
  groupingField?: string;
  groupSize?: number;
  strictGroupSize?: boolean;
}

/** The vector field a search targets: annsField, else the only vector field. */
export function annsFieldOf(c: CollectionInfo, name: string | undefined): FieldSchema {
  const vectors = vectorFields(c);
  if (name) {
    const f = c.fields.find((x) => x.name === name);
    if (!f || !isVectorType(f.dataType)) throw invalidParameter(`failed to get field schema by name: fieldName(${name}) not found or not a vector field`);
    return f;
  }
  if (vectors.length !== 1) throw invalidParameter('multiple anns_fields exist, please specify a anns_field in search_params');
  return vectors[0];
}

/** Merges the flat keys of searchParams, searchParams.params and params; conflicting values are an error. */
function mergedParams(input: SearchInput): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const sp = input.searchParams ?? {};
  const sources = [sp, (sp.params as Record<string, unknown>) ?? {}, input.params ?? {}, ((input.params?.params as Record<string, unknown>) ?? {})];
  for (const src of sources) {
    for (const [k, v] of Object.entries(src)) {
      if (k === 'params' || v === undefined) continue;
      if (k in out && JSON.stringify(out[k]) !== JSON.stringify(v)) {
        throw invalidParameter(`search parameter ${k} is set to different values`);
      }
      out[k] = v;
    }
  }
  return out;
}

function numberParam(p: Record<string, unknown>, key: string): number | undefined {
  const v = p[key];
  if (v === undefined || v === null || v === '') return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw invalidParameter(`search parameter ${key} must be a number, got ${JSON.stringify(v)}`);
  return n;
}

function queriesFrom(field: FieldSchema, data: unknown[]): VectorColumn {
  if (data.length === 0) throw invalidParameter('search data is empty');
  const kind = vectorKind(field.dataType as never);
  const parts = data.map((v, i) => {
    try {
      return { kind, dim: field.dim!, data: parseVector(field, v) } as VectorColumn;
    } catch (err) {
      throw invalidParameter(`search vector ${i}: ${(err as Error).message}`);
    }
  });
  return concatColumns(parts);
}

/**
 * What a search groups by, as Milvus resolves it: a scalar field of the schema, else a key of the
 * dynamic field when the collection has one, else 1700 "groupBy field not found in schema".
 */
function groupingOf(c: CollectionInfo, name: string | undefined): Pick<SearchPlan, 'groupingField' | 'groupingDynamic'> {
  if (!name) return {};
  const f = c.fields.find((x) => x.name === name);
  if (f) {
    if (isVectorType(f.dataType)) throw invalidParameter(`group by field ${name} of type ${f.dataType} is not supported`);
    return { groupingField: name };
  }
  if (c.enableDynamicField) return { groupingField: name, groupingDynamic: true };
  throw new QuiverError(ErrorCode.FieldNotFound, `groupBy field not found in schema: field not found[field=${name}]`);
}

/** Builds the plan; fetches vectors by primary key when the request searches by `ids`. */
export async function buildSearchPlan(
  ctx: RequestContext,
  c: CollectionInfo,
  input: SearchInput,
  filter: CompiledFilter | null,
  partitionIds: number[] | null,
): Promise<SearchPlan> {
  const field = annsFieldOf(c, input.annsField);
  const p = mergedParams(input);
  const indexMetric = fieldMetric(c, field.name);
  const metric = ((p.metricType ?? p.metric_type ?? indexMetric) as string).toUpperCase() as MetricType;
  if (metric !== indexMetric) {
    throw invalidParameter(`metric type not match: invalid parameter[expected=${indexMetric}][actual=${metric}]`);
  }
  const limit = input.limit ?? numberParam(p, 'topk') ?? 100;
  const offset = input.offset ?? numberParam(p, 'offset') ?? 0;
  checkWindow(limit, offset, MAX_SEARCH_OFFSET);
  let queries: VectorColumn;
  if (input.data !== undefined && input.ids !== undefined) throw invalidParameter('search by data and by ids cannot be combined');
  if (input.ids !== undefined) {
    const pks = parsePrimaryKeys(c, input.ids);
    const rows = await ctx.services.reader.getByPks(c, pks, null);
    if (rows.length !== pks.length) throw new QuiverError(ErrorCode.InvalidParameter, 'some of the ids to search by do not exist');
    queries = concatColumns(rows.map((r) => {
      const col = r.source.vectors[field.name];
      const w = col.kind === 'b1' ? col.dim / 8 : col.dim;
      return { ...col, data: col.data.slice(r.row * w, r.row * w + w) } as VectorColumn;
    }));
  } else if (input.data !== undefined) {
    queries = queriesFrom(field, input.data);
  } else {
    throw missingParameter('SearchReqV2.Data');
  }
  const groupSize = input.groupSize ?? numberParam(p, 'group_size');
  const radius = numberParam(p, 'radius');
  const grouping = groupingOf(c, input.groupingField ?? (p.group_by_field as string | undefined));
  if (grouping.groupingField !== undefined && radius !== undefined) {
    throw invalidParameter('Not allowed to do range-search when doing search-group-by');
  }
  return {
    annsField: field.name,
    metric,
    queries,
    limit,
    offset,
    ef: numberParam(p, 'ef'),
    radius,
    rangeFilter: numberParam(p, 'range_filter'),
    filter,
    partitionIds,
    ...grouping,
    groupSize,
    strictGroupSize: input.strictGroupSize,
  };
}
