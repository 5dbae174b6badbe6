/**
 * Data for the fuzz run: a few collections with rows, and a steered copy of the OpenAPI document
 * whose name properties take those names and whose vectors and filters often take plausible
 * values. Random strings almost never name an existing collection, so without this nearly every
 * request would stop at "collection not found" and the filter, search and write paths would go
 * untested.
 */

/** Sends one Milvus request and returns the parsed answer. */
export type Call = (path: string, body: unknown) => Promise<any>;

/**
 * Values the fuzzer is steered towards, by body property name: `only` replaces the property's
 * schema (the value is always one of these), `mix` offers them beside whatever it accepted.
 */
export interface Seeds {
  only: Record<string, unknown[]>;
  mix: Record<string, unknown[]>;
}

const DIM = 4;
const vec = (i: number) => Array.from({ length: DIM }, (_, k) => Math.sin(i * 7 + k));

async function must(call: Call, path: string, body: unknown): Promise<void> {
  const answer = await call(path, body);
  if (answer?.code !== 0) throw new Error(`seeding ${path} failed: ${JSON.stringify(answer)}`);
}

/**
 * Operations that would take the seeded objects away from the requests after them; the steered
 * pass leaves them out (the unsteered pass still runs them, on random names).
 */
export const DESTRUCTIVE_OPERATIONS =
  '/(collections/(drop|release|rename)|partitions/(drop|release)|aliases/(drop|alter)|databases/drop|indexes/drop)$';

/** Creates the seeded collections (quick setup; custom schema with scalars), rows, a partition, an alias. */
export async function seedCollections(call: Call): Promise<Seeds> {
  await must(call, 'collections/create', { collectionName: 'fuzz_quick', dimension: DIM, metricType: 'L2' });
  await must(call, 'entities/insert', {
    collectionName: 'fuzz_quick',
    data: Array.from({ length: 20 }, (_, i) => ({ id: i, vector: vec(i), color: i % 2 ? 'red' : 'blue', n: i })),
  });
  await must(call, 'collections/create', {
    collectionName: 'fuzz_typed',
    schema: {
      enableDynamicField: true,
      fields: [
        { fieldName: 'pk', dataType: 'VarChar', isPrimary: true, elementTypeParams: { max_length: 32 } },
        { fieldName: 'v', dataType: 'FloatVector', elementTypeParams: { dim: DIM } },
        { fieldName: 'age', dataType: 'Int32' },
        { fieldName: 'score', dataType: 'Double' },
        { fieldName: 'active', dataType: 'Bool' },
        { fieldName: 'meta', dataType: 'JSON' },
        { fieldName: 'tags', dataType: 'Array', elementDataType: 'Int64', elementTypeParams: { max_capacity: 8 } },
        { fieldName: 'nick', dataType: 'VarChar', nullable: true, elementTypeParams: { max_length: 16 } },
      ],
    },
    indexParams: [{ fieldName: 'v', metricType: 'COSINE', indexType: 'HNSW', params: { M: 8, efConstruction: 64 } }],
  });
  await must(call, 'partitions/create', { collectionName: 'fuzz_typed', partitionName: 'p1' });
  await must(call, 'entities/insert', {
    collectionName: 'fuzz_typed',
    partitionName: 'p1',
    data: Array.from({ length: 20 }, (_, i) => ({
      pk: `k${i}`, v: vec(i), age: i, score: i / 3, active: i % 3 === 0,
      meta: { a: i, b: [i, 'x'] }, tags: [i, i + 1], nick: i % 4 ? `n${i}` : null,
    })),
  });
  await must(call, 'aliases/create', { collectionName: 'fuzz_quick', aliasName: 'fuzz_alias' });
  const vector = [0.1, 0.2, 0.3, 0.4];
  return {
    only: {
      // The generator favours the first value; fuzz_typed has the widest schema.
      collectionName: ['fuzz_typed', 'fuzz_quick', 'fuzz_alias', 'fuzz_missing'],
      dbName: ['default'],
      partitionName: ['_default', 'p1'],
      partitionNames: [[], ['_default'], ['p1', '_default']],
      annsField: ['vector', 'v'],
      aliasName: ['fuzz_alias'],
    },
    mix: {
      filter: [
        'id > 3', 'color == "red"', 'age in [1, 2, 3]', 'meta["a"] >= 2', 'json_contains(tags, 1)',
        'pk like "k1%"', 'nick is null', 'array_length(tags) == 2 and score < 3.5', 'n > {x}',
      ],
      data: [[vector], [vector, [0, 0, 0, 1]], [{ id: 100, vector, color: 'green' }],
        [{ pk: 'new', v: vector, age: 1, score: 2, active: true, meta: {}, tags: [], nick: null }]],
      outputFields: [['*'], ['color', 'n'], ['meta', 'tags', 'nick'], ['count(*)']],
      id: [[1, 2, 3], ['k1', 'k2'], 5],
      groupingField: ['color', 'age', 'active'],
      exprParams: [{ x: 3 }],
    },
  };
}

/**
 * A copy of `doc` whose body properties named in `seeds` take the seeded values (see
 * {@link Seeds}), so generated requests reach existing collections with plausible vectors and
 * filters while every other property stays random.
 */
export function steerTowardsSeeds(doc: Record<string, unknown>, seeds: Seeds): Record<string, unknown> {
  const copy = structuredClone(doc);
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(visit);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const obj = node as Record<string, unknown>;
    const props = obj.properties;
    if (props && typeof props === 'object' && !Array.isArray(props)) {
      for (const [key, schema] of Object.entries(props as Record<string, unknown>)) {
        const target = props as Record<string, unknown>;
        if (Object.hasOwn(seeds.only, key)) target[key] = { enum: seeds.only[key] };
        else if (Object.hasOwn(seeds.mix, key)) target[key] = { anyOf: [{ enum: seeds.mix[key] }, schema] };
      }
    }
    for (const value of Object.values(obj)) visit(value);
  };
  visit(copy.paths);
  return copy;
}
