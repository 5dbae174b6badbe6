/**
 * The body of POST /v2/vectordb/collections/create (Milvus `CollectionReq`) and of the index
 * parameters shared with indexes/create, as zod schemas.
 *
 * Binding follows Milvus (gin + encoding/json): unknown keys are ignored, JSON null means "not
 * given", a value of the wrong JSON type fails binding (1801) and an empty collectionName fails
 * the `required` rule (1802). Semantic checks live in build-collection.ts.
 */

import { z } from 'zod';
import { ErrorCode, QuiverError, missingParameter } from '../errors.ts';

/** A JSON object of arbitrary values (Go map[string]interface{}). */
const anyMap = z.record(z.string(), z.unknown());

/** One entry of `indexParams` (Milvus `IndexParam`). */
export const indexParamSchema = z.object({
  fieldName: z.string().nullish(),
  indexName: z.string().nullish(),
  metricType: z.string().nullish(),
  indexType: z.string().nullish(),
  params: anyMap.nullish(),
});

/** One entry of `schema.fields` (Milvus `FieldSchema`). */
export const fieldSchemaRequest = z.object({
  fieldName: z.string().nullish(),
  dataType: z.string().nullish(),
  elementDataType: z.string().nullish(),
  isPrimary: z.boolean().nullish(),
  isPartitionKey: z.boolean().nullish(),
  isClusteringKey: z.boolean().nullish(),
  elementTypeParams: anyMap.nullish(),
  nullable: z.boolean().nullish(),
  defaultValue: z.unknown().optional(),
});

/** The `schema` object of a custom setup (Milvus `CollectionSchema`). */
export const collectionSchemaRequest = z.object({
  fields: z.array(fieldSchemaRequest).nullish(),
  functions: z.array(z.unknown()).nullish(),
  autoID: z.boolean().nullish(),
  enableDynamicField: z.boolean().nullish(),
});

/** The whole collections/create body. */
export const createCollectionRequestSchema = z.object({
  dbName: z.string().nullish(),
  collectionName: z.string().nullish(),
  dimension: z.number().int().nullish(),
  idType: z.string().nullish(),
  autoID: z.boolean().nullish(),
  metricType: z.string().nullish(),
  primaryFieldName: z.string().nullish(),
  vectorFieldName: z.string().nullish(),
  schema: collectionSchemaRequest.nullish(),
  indexParams: z.array(indexParamSchema).nullish(),
  params: anyMap.nullish(),
  description: z.string().nullish(),
});

/** A bound `indexParams` entry. */
export type IndexParamRequest = z.infer<typeof indexParamSchema>;
/** A bound `schema.fields` entry. */
export type FieldSchemaRequest = z.infer<typeof fieldSchemaRequest>;
/** A bound collections/create body. */
export type CreateCollectionRequest = z.infer<typeof createCollectionRequestSchema>;

/**
 * Binds a parsed JSON body to a create request. Throws 1801 when a key has the wrong JSON type
 * (naming its path) and 1802 when collectionName is missing or empty.
 */
export function parseCreateCollectionRequest(body: unknown): CreateCollectionRequest {
  const req = bind(createCollectionRequestSchema, body, 'CollectionReq');
  if (!req.collectionName) throw missingParameter('CollectionReq.CollectionName');
  return req;
}

/** Binds an `indexParams` array (indexes/create); 1801 on wrong types, 1802 when missing. */
export function parseIndexParams(value: unknown): IndexParamRequest[] {
  if (value === undefined || value === null) throw missingParameter('IndexParamReq.IndexParams');
  return bind(z.array(indexParamSchema), value, 'IndexParamReq.indexParams');
}

function bind<T>(schema: z.ZodType<T>, value: unknown, root: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
  throw new QuiverError(
    ErrorCode.NotJson,
    `can only accept json format request, error: cannot bind ${root}${path}: ${issue.message}`,
  );
}
