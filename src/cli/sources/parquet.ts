/**
 * Parquet through hyparquet: rows are read in slices of `chunkRows`, so memory stays bounded
 * and a resumed import starts at its row without decoding the rows before it (beyond the pages
 * that hold them). Int64 values become numbers when safe, typed arrays plain arrays.
 */
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import { plainValue, SourceError, type RowReader } from './source.ts';

export async function openParquet(file: string, chunkRows = 4096): Promise<RowReader> {
  let buffer: Awaited<ReturnType<typeof asyncBufferFromFile>>;
  let metadata: Awaited<ReturnType<typeof parquetMetadataAsync>>;
  try {
    buffer = await asyncBufferFromFile(file);
    metadata = await parquetMetadataAsync(buffer);
  } catch (err) {
    throw new SourceError(`${file}: not a readable Parquet file (${(err as Error).message})`);
  }
  const total = Number(metadata.num_rows);
  let done = 0;
  return {
    totalRows: total,
    totalBytes: buffer.byteLength,
    vectorsOnly: false,
    bytesRead: () => (total === 0 ? buffer.byteLength : Math.round((buffer.byteLength * done) / total)),
    async *rows(skip: number) {
      for (let start = skip; start < total; start += chunkRows) {
        const end = Math.min(total, start + chunkRows);
        let rows: Record<string, unknown>[];
        try {
          rows = await parquetReadObjects({ file: buffer, metadata, rowStart: start, rowEnd: end });
        } catch (err) {
          throw new SourceError(`${file}: rows ${start}-${end - 1}: ${(err as Error).message}`);
        }
        for (const r of rows) yield plainValue(r) as Record<string, unknown>;
        done = end;
      }
    },
  };
}
