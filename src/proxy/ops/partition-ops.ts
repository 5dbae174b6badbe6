/**
 * Partitions of a collection: named row groups listed in its catalog entry. Rows carry their
 * partition id; rows of a dropped partition are purged by the next compaction, which drop asks
 * for at once.
 */
import { shardKeys } from '../../shared/catalog/keys.ts';
import { ErrorCode, QuiverError, invalidParameter } from '../../shared/errors.ts';
import { MAX_NAME_LENGTH } from '../../shared/schema/names.ts';
import { DEFAULT_PARTITION, type CollectionInfo, type PartitionInfo } from '../../shared/schema/types.ts';
import type { ProxyServices } from '../services.ts';

/** Milvus's rootCoord.maxPartitionNum default. */
export const MAX_PARTITIONS = 1024;

/** 200, worded like Milvus. */
export function partitionNotFound(name: string): QuiverError {
  return new QuiverError(ErrorCode.PartitionNotFound, `partition not found[partition=${name}]`);
}

/** The partition named `name`, else 200. */
export function requirePartition(c: CollectionInfo, name: string): PartitionInfo {
  const p = c.partitions.find((x) => x.name === name);
  if (!p) throw partitionNotFound(name);
  return p;
}

/** 1100 unless `name` is a valid partition name (Milvus's entity name rules). */
export function validatePartitionName(name: string): void {
  const prefix = `Invalid partition name: ${name}.`;
  if (name.length > MAX_NAME_LENGTH) {
    throw invalidParameter(`${prefix} The length of a partition name must be less than ${MAX_NAME_LENGTH} characters.`);
  }
  if (!/^[A-Za-z_]/.test(name)) {
    throw invalidParameter(`${prefix} The first character of a partition name must be an underscore or letter.`);
  }
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw invalidParameter(`${prefix} Partition name can only contain numbers, letters and underscores.`);
  }
}

function noManualPartitions(c: CollectionInfo, action: string): void {
  if (c.fields.some((f) => f.isPartitionKey)) {
    throw invalidParameter(`disable ${action} partition if partition key mode is used`);
  }
}

/** partitions/create. Creating an existing partition succeeds, as in Milvus. */
export async function createPartition(s: ProxyServices, c: CollectionInfo, name: string): Promise<void> {
  validatePartitionName(name);
  noManualPartitions(c, 'create');
  if (c.partitions.some((p) => p.name === name)) return;
  const id = await s.catalog.allocateIds(1);
  const now = s.now();
  await s.catalog.updateCollection(c.dbName, c.name, (cur) => {
    if (cur.partitions.some((p) => p.name === name)) return cur;
    if (cur.partitions.length >= MAX_PARTITIONS) {
      throw new QuiverError(
        ErrorCode.Unexpected,
        `partition number (${cur.partitions.length}) exceeds max configuration (${MAX_PARTITIONS}), collection: ${cur.name}`,
      );
    }
    return { ...cur, partitions: [...cur.partitions, { name, id, createdAt: now }] };
  });
}

/**
 * partitions/drop. The default partition cannot be dropped; dropping a partition that does not
 * exist succeeds, as in Milvus. Asks for a compaction so the partition's rows are purged soon.
 */
export async function dropPartition(s: ProxyServices, c: CollectionInfo, name: string): Promise<void> {
  if (name === DEFAULT_PARTITION) throw new QuiverError(ErrorCode.Unexpected, 'default partition cannot be deleted');
  noManualPartitions(c, 'drop');
  if (!c.partitions.some((p) => p.name === name)) return;
  await s.catalog.updateCollection(c.dbName, c.name, (cur) => ({
    ...cur,
    partitions: cur.partitions.filter((p) => p.name !== name),
  }));
  await s.coordinator.commit([{ kind: 'put', key: shardKeys.compactRequest(c.id), value: String(s.now()) }]);
}
