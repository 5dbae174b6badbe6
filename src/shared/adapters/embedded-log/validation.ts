/**
 * Argument checks shared by the embedded log and its consumers. The rules mirror Kafka's where
 * Kafka has one, so code that runs against the embedded log also runs against a broker.
 * Every check throws LogError kind 'invalid' (a caller bug, not retryable).
 */
import { checkRecordBody } from '../common/record-checks.ts';
import { LogError, type OutgoingRecord } from '../../ports/log.ts';

/** Kafka's legal topic names: 1-249 characters of [a-zA-Z0-9._-], not "." or "..". */
const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

/** Throws unless `topic` is a legal topic name. */
export function checkTopicName(topic: unknown): asserts topic is string {
  if (typeof topic !== 'string' || !TOPIC_NAME.test(topic) || topic === '.' || topic === '..') {
    throw new LogError(`invalid topic name ${JSON.stringify(topic)}`, 'invalid');
  }
}

/** Throws unless `partitions` is a usable partition count (1 to 100000). */
export function checkPartitionCount(partitions: unknown): asserts partitions is number {
  if (!Number.isSafeInteger(partitions) || (partitions as number) < 1 || (partitions as number) > 100_000) {
    throw new LogError(`invalid partition count ${String(partitions)}`, 'invalid');
  }
}

/** Throws unless `partition` is an existing partition index of a topic with `count` partitions. */
export function checkPartition(topic: string, partition: unknown, count: number): asserts partition is number {
  if (!Number.isSafeInteger(partition) || (partition as number) < 0 || (partition as number) >= count) {
    throw new LogError(
      `partition ${String(partition)} does not exist in topic ${topic} (${count} partitions)`,
      'invalid',
    );
  }
}

/** Throws unless `offset` is a non-negative safe integer. `what` names the argument. */
export function checkOffset(offset: unknown, what: string): asserts offset is number {
  if (!Number.isSafeInteger(offset) || (offset as number) < 0) {
    throw new LogError(`invalid ${what} ${String(offset)}`, 'invalid');
  }
}

/**
 * Throws unless every record is well formed and its payload fits. Checked before anything is
 * written, so a rejected batch writes nothing.
 * @param maxRecordBytes largest accepted payload in bytes
 */
export function checkOutgoing(
  topic: string,
  records: readonly OutgoingRecord[],
  partitions: number,
  maxRecordBytes: number,
): void {
  if (!Array.isArray(records)) throw new LogError('records must be an array', 'invalid');
  for (const record of records) {
    checkPartition(topic, record?.partition, partitions);
    checkRecordBody(record, maxRecordBytes);
  }
}

/** Throws unless `groupId` is a non-empty string that can be part of a storage key. */
export function checkGroupId(groupId: unknown): asserts groupId is string {
  if (typeof groupId !== 'string' || groupId.length === 0 || groupId.length > 1000 || groupId.includes('\0')) {
    throw new LogError(`invalid consumer group id ${JSON.stringify(groupId)}`, 'invalid');
  }
}
