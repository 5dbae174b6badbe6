/** JSON Lines: one JSON object per line; blank lines are ignored. */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { SourceError, type RowReader } from './source.ts';

export async function openJsonl(file: string): Promise<RowReader> {
  const { size } = await stat(file);
  let bytes = 0;
  return {
    totalRows: null,
    totalBytes: size,
    vectorsOnly: false,
    bytesRead: () => bytes,
    async *rows(skip: number) {
      bytes = 0;
      const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
      let rowNumber = 0;
      let lineNumber = 0;
      for await (const line of lines) {
        lineNumber++;
        // +1 for the newline; a CRLF file is off by one byte per line, which only progress sees.
        bytes += Buffer.byteLength(line) + 1;
        if (line.trim() === '') continue;
        const row = rowNumber++;
        if (row < skip) continue;
        let value: unknown;
        try {
          value = JSON.parse(line);
        } catch (err) {
          throw new SourceError(`${file}:${lineNumber}: not valid JSON (${(err as Error).message})`);
        }
        if (typeof value !== 'object' || value === null || Array.isArray(value)) {
          throw new SourceError(`${file}:${lineNumber}: a row must be a JSON object`);
        }
        yield value as Record<string, unknown>;
      }
      bytes = size;
    },
  };
}
