/** Helpers for the schema tests: build collections from create bodies, assert QuiverErrors. */
import assert from 'node:assert/strict';
import { buildCollection } from '../../../src/shared/schema/build-collection.ts';
import { parseCreateCollectionRequest } from '../../../src/shared/schema/create-request.ts';
import type { CollectionInfo } from '../../../src/shared/schema/types.ts';
import { QuiverError } from '../../../src/shared/errors.ts';

/** A full CollectionInfo (with topic and default partition) from a create body. */
export function collectionFrom(body: Record<string, unknown>): CollectionInfo {
  const { collection } = buildCollection(parseCreateCollectionRequest(body), { collectionId: 7, now: 1000 });
  return { ...collection, topic: 'quiver.c7', partitions: [{ name: '_default', id: 8, createdAt: 1000 }] };
}

/** A custom-schema collection with the given fields (names/types as in Milvus requests). */
export function customCollection(
  fields: Record<string, unknown>[],
  extra: Record<string, unknown> = {},
): CollectionInfo {
  return collectionFrom({ collectionName: 'c', schema: { fields, ...extra } });
}

/** Asserts that fn throws a QuiverError with `code` whose message includes every `parts`. */
export function assertQuiverError(fn: () => unknown, code: number, ...parts: string[]): QuiverError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof QuiverError, `expected a QuiverError, got ${String(caught)}`);
  assert.equal(caught.code, code, `code of: ${caught.message}`);
  for (const p of parts) assert.ok(caught.message.includes(p), `"${caught.message}" should include "${p}"`);
  return caught;
}

export const PK = { fieldName: 'id', dataType: 'Int64', isPrimary: true };
export const VEC4 = { fieldName: 'vec', dataType: 'FloatVector', elementTypeParams: { dim: 4 } };
