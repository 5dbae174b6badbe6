/**
 * Writes and reads segments in the object store. Writing puts every data file first and
 * meta.json (with sizes and CRC-32s) last, each under a fresh segment id that is never reused,
 * so a crash leaves at most an orphan folder and readers never see a half-written segment.
 * Reading verifies every checksum; a mismatch is an error, never silently used data.
 */
import { crc32 } from 'node:zlib';
import type { ObjectStore } from '../ports/object-store.ts';
import type { SegmentRef } from '../manifest/manifest.ts';
import { segmentPrefix } from '../manifest/manifest.ts';
import type { FieldSchema } from '../schema/types.ts';
import {
  SEGMENT_FORMAT,
  SegmentCodec,
  vectorBytesOf,
  vectorColumnFrom,
  type HnswFileMeta,
  type SegmentData,
  type SegmentMeta,
  type VectorFileMeta,
} from './format.ts';

export interface SegmentToWrite {
  collectionId: number;
  shard: number;
  id: string;
  level: 0 | 1;
  lsnMin: number;
  lsnMax: number;
  data: SegmentData;
  /** Vector fields of the collection (for ids). */
  fields: FieldSchema[];
  /** Built HNSW index files per vector field name. */
  hnsw?: Record<string, { bytes: Uint8Array; meta: Omit<HnswFileMeta, 'file'> }>;
  now: number;
}

export class SegmentStore {
  private readonly codec = new SegmentCodec();

  constructor(private readonly objects: ObjectStore) {}

  /** Uploads all files, meta.json last. Returns the manifest entry for it. */
  async write(s: SegmentToWrite): Promise<{ ref: SegmentRef; meta: SegmentMeta }> {
    const prefix = segmentPrefix(s.collectionId, s.shard, s.id);
    const files: SegmentMeta['files'] = {};
    const put = async (name: string, bytes: Uint8Array) => {
      await this.objects.put(prefix + name, bytes);
      files[name] = { bytes: bytes.length, crc32: crc32(bytes) };
    };
    const vectors: Record<string, VectorFileMeta> = {};
    const uploads: Array<Promise<void>> = [
      put('rows.bin', this.codec.encodeRows(s.data)),
      put('tombstones.bin', this.codec.encodeTombstones(s.data.tombstones)),
    ];
    for (const [name, col] of Object.entries(s.data.vectors)) {
      const field = s.fields.find((f) => f.name === name);
      if (!field) throw new Error(`segment has vectors of unknown field ${name}`);
      const file = `vec-${field.fieldId}.bin`;
      const entry: VectorFileMeta = { fieldId: field.fieldId, kind: col.kind, dim: col.dim, file };
      const built = s.hnsw?.[name];
      if (built) {
        entry.hnsw = { ...built.meta, file: `hnsw-${field.fieldId}.usearch` };
        uploads.push(put(entry.hnsw.file, built.bytes));
      }
      vectors[name] = entry;
      uploads.push(put(file, vectorBytesOf(col)));
    }
    await Promise.all(uploads);
    const meta: SegmentMeta = {
      format: SEGMENT_FORMAT,
      collectionId: s.collectionId,
      shard: s.shard,
      id: s.id,
      level: s.level,
      rows: s.data.pks.length,
      tombstones: s.data.tombstones.pks.length,
      lsnMin: s.lsnMin,
      lsnMax: s.lsnMax,
      createdAt: s.now,
      vectors,
      files,
    };
    await this.objects.put(prefix + 'meta.json', new TextEncoder().encode(JSON.stringify(meta)));
    const bytes = Object.values(files).reduce((n, f) => n + f.bytes, 0);
    return {
      meta,
      ref: {
        id: s.id, level: s.level, rows: meta.rows, tombstones: meta.tombstones,
        lsnMin: s.lsnMin, lsnMax: s.lsnMax, bytes, createdAt: s.now,
      },
    };
  }

  async readMeta(collectionId: number, shard: number, id: string): Promise<SegmentMeta> {
    const bytes = await this.objects.get(segmentPrefix(collectionId, shard, id) + 'meta.json');
    const meta = JSON.parse(new TextDecoder().decode(bytes)) as SegmentMeta;
    if (meta.format !== SEGMENT_FORMAT) throw new Error(`segment ${id}: unknown format ${meta.format}`);
    return meta;
  }

  /** Reads one file of the segment and checks its CRC-32 against meta.json. */
  async readFile(meta: SegmentMeta, name: string): Promise<Uint8Array> {
    const bytes = await this.objects.get(segmentPrefix(meta.collectionId, meta.shard, meta.id) + name);
    const expected = meta.files[name];
    if (!expected || expected.bytes !== bytes.length || expected.crc32 !== crc32(bytes)) {
      throw new Error(`segment ${meta.id}: file ${name} is corrupt (size or checksum mismatch)`);
    }
    return bytes;
  }

  /** Reads rows, tombstones and raw vectors (not the HNSW files). */
  async readData(meta: SegmentMeta): Promise<SegmentData> {
    const [rowsBytes, tombBytes] = await Promise.all([this.readFile(meta, 'rows.bin'), this.readFile(meta, 'tombstones.bin')]);
    const rows = this.codec.decodeRows(rowsBytes);
    const vectors: SegmentData['vectors'] = {};
    await Promise.all(
      Object.entries(meta.vectors).map(async ([name, v]) => {
        vectors[name] = vectorColumnFrom(v.kind, v.dim, await this.readFile(meta, v.file));
      }),
    );
    return { ...rows, vectors, tombstones: this.codec.decodeTombstones(tombBytes) };
  }

  /** Deletes every file of a segment (after it left the manifest). */
  async remove(collectionId: number, shard: number, id: string): Promise<void> {
    const prefix = segmentPrefix(collectionId, shard, id);
    // meta.json first: a folder without it is already treated as an orphan.
    await this.objects.delete(prefix + 'meta.json');
    const rest = await this.objects.list(prefix);
    await Promise.all(rest.map((o) => this.objects.delete(o.key)));
  }
}
