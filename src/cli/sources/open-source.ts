/** Opens the reader for a file's format. */
import { openCsv } from './csv.ts';
import { openFvecs } from './fvecs.ts';
import { openJsonl } from './jsonl.ts';
import { openNpy } from './npy.ts';
import { openParquet } from './parquet.ts';
import type { Format, RowReader } from './source.ts';

/**
 * @param vectorField the field vector-only formats (npy, fvecs) fill
 * Rejects with SourceError when the file is not readable in that format.
 */
export function openSource(file: string, format: Format, vectorField: string): Promise<RowReader> {
  switch (format) {
    case 'jsonl':
      return openJsonl(file);
    case 'csv':
      return openCsv(file);
    case 'parquet':
      return openParquet(file);
    case 'npy':
      return openNpy(file, vectorField);
    case 'fvecs':
      return openFvecs(file, vectorField);
  }
}
