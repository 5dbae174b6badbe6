/**
 * What one log record carries, and its binary encoding (msgpack with native typed arrays, behind
 * a one-byte format version so the format can evolve). A record belongs to one shard of one
 * collection (the topic names the collection, the partition the shard). Its offset is the log
 * sequence number (LSN) of every row and tombstone in it.
 */
import { Packr } from 'msgpackr';
import type { PrimaryKey, RowBatch } from '../schema/types.ts';

/** Rows to insert or overwrite. Upsert and insert are the same record: the newest LSN of a key wins. */
export interface WriteEntry {
  kind: 'write';
  batch: RowBatch;
}

/** Primary keys to delete: every row of these keys with a lower LSN disappears. */
export interface DeleteEntry {
  kind: 'delete';
  pks: PrimaryKey[];
}

/** A write too large for one log record: the entry itself is stored in the object store. */
export interface ClaimCheckEntry {
  kind: 'claim';
  /** Object key of the encoded WriteEntry/DeleteEntry. */
  key: string;
  /** Size in bytes of that object. */
  bytes: number;
}

export type WalEntry = WriteEntry | DeleteEntry | ClaimCheckEntry;

const FORMAT_VERSION = 1;

/** Encodes and decodes WalEntry. Holds its own msgpack codec, so no module state is shared. */
export class WalCodec {
  private readonly packr = new Packr({ useRecords: false, moreTypes: true });

  encode(entry: WalEntry): Uint8Array {
    const body = this.packr.pack(entry);
    const out = new Uint8Array(body.length + 1);
    out[0] = FORMAT_VERSION;
    out.set(body, 1);
    return out;
  }

  /** Throws when the record was written by an unknown format version (never guess). */
  decode(bytes: Uint8Array): WalEntry {
    if (bytes.length === 0 || bytes[0] !== FORMAT_VERSION) {
      throw new Error(`unknown log record format ${bytes[0] ?? 'empty'}`);
    }
    return this.packr.unpack(bytes.subarray(1)) as WalEntry;
  }
}
