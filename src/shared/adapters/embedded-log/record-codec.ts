/**
 * Binary layout of one stored record value. The partition and offset live in the lmdb key, so the
 * value only carries what the key cannot: the acceptance time, the record key and the payload.
 *
 * Layout (little endian):
 *   byte 0      format version (1)
 *   bytes 1-8   timestamp, float64 milliseconds since the epoch
 *   bytes 9-12  key length as int32, -1 for a null key
 *   then        key bytes, then payload bytes (the rest of the value)
 *
 * A version byte costs one byte per record and lets a later layout coexist with old data.
 */

const FORMAT_VERSION = 1;
const HEADER_BYTES = 13;
const NULL_KEY = -1;

/** The parts of a record that are stored in its value. */
export interface StoredRecordValue {
  /** Milliseconds since the epoch when the log accepted the record. */
  timestamp: number;
  key: Uint8Array | null;
  payload: Uint8Array;
}

/** Encodes one record value into a fresh buffer (lmdb copies it into the write queue). */
export function encodeRecordValue(value: StoredRecordValue): Buffer {
  const keyLength = value.key === null ? 0 : value.key.byteLength;
  const out = Buffer.allocUnsafe(HEADER_BYTES + keyLength + value.payload.byteLength);
  out.writeUInt8(FORMAT_VERSION, 0);
  out.writeDoubleLE(value.timestamp, 1);
  out.writeInt32LE(value.key === null ? NULL_KEY : keyLength, 9);
  if (value.key !== null) out.set(value.key, HEADER_BYTES);
  out.set(value.payload, HEADER_BYTES + keyLength);
  return out;
}

/**
 * Decodes a value written by encodeRecordValue. The returned key and payload are plain
 * Uint8Array views into `bytes` (not Buffers, so they compare equal to what was sent); lmdb
 * hands out a private copy per read, so the views stay valid.
 * Throws on a value that is not in a known layout (corruption must not pass as data).
 */
export function decodeRecordValue(bytes: Uint8Array): StoredRecordValue {
  if (bytes.byteLength < HEADER_BYTES || bytes[0] !== FORMAT_VERSION) {
    throw new Error(`unknown record layout (version ${bytes[0]}, ${bytes.byteLength} bytes)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const timestamp = view.getFloat64(1, true);
  const keyLength = view.getInt32(9, true);
  if (keyLength < NULL_KEY || HEADER_BYTES + Math.max(keyLength, 0) > bytes.byteLength) {
    throw new Error(`corrupt record value: key length ${keyLength} in ${bytes.byteLength} bytes`);
  }
  const view8 = (start: number, end: number): Uint8Array =>
    new Uint8Array(bytes.buffer, bytes.byteOffset + start, end - start);
  const key = keyLength === NULL_KEY ? null : view8(HEADER_BYTES, HEADER_BYTES + keyLength);
  const payload = view8(HEADER_BYTES + Math.max(keyLength, 0), bytes.byteLength);
  return { timestamp, key, payload };
}
