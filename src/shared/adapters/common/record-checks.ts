/** Checks every Log adapter applies to an outgoing record before it is sent (the port's rules). */
import { LogError, type OutgoingRecord } from '../../ports/log.ts';

/**
 * Throws LogError 'invalid' for a malformed key or payload and 'too-large' when the payload is
 * over maxRecordBytes (bytes). The partition is checked by each adapter against its topic.
 */
export function checkRecordBody(record: OutgoingRecord, maxRecordBytes: number): void {
  if (!(record.payload instanceof Uint8Array)) throw new LogError('record payload must be a Uint8Array', 'invalid');
  if (record.key !== null && !(record.key instanceof Uint8Array)) {
    throw new LogError('record key must be a Uint8Array or null', 'invalid');
  }
  if (record.payload.byteLength > maxRecordBytes) {
    throw new LogError(
      `record payload of ${record.payload.byteLength} bytes exceeds the limit of ${maxRecordBytes} bytes`,
      'too-large',
    );
  }
}
