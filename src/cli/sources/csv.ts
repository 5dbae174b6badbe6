/**
 * CSV with a header row (RFC 4180, see csv-parser.ts). Cells are text; `coerceCsvRow` turns
 * them into the types of the collection's fields.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { CsvParser } from './csv-parser.ts';
import { SourceError, type RowReader } from './source.ts';

export async function openCsv(file: string, delimiter = ','): Promise<RowReader> {
  const { size } = await stat(file);
  let bytes = 0;
  return {
    totalRows: null,
    totalBytes: size,
    vectorsOnly: false,
    bytesRead: () => bytes,
    async *rows(skip: number) {
      bytes = 0;
      const parser = new CsvParser(delimiter);
      let header: string[] | null = null;
      let rowNumber = 0;
      const toRows = function* (records: string[][]) {
        for (const rec of records) {
          if (header === null) {
            header = rec.map((h, i) => (i === 0 ? h.replace(/^\uFEFF/, '') : h).trim());
            if (header.some((h) => h === '')) throw new SourceError(`${file}: the header row has an empty column name`);
            continue;
          }
          const row = rowNumber++;
          if (rec.length !== header.length) {
            throw new SourceError(`${file}: row ${row + 1} has ${rec.length} fields, the header has ${header.length}`);
          }
          if (row < skip) continue;
          const obj: Record<string, string> = {};
          for (let i = 0; i < header.length; i++) obj[header[i]] = rec[i];
          yield obj;
        }
      };
      // Small chunks keep the byte count (progress) close to the rows handed out.
      const stream = createReadStream(file, { highWaterMark: 16 * 1024 });
      const decoder = new TextDecoder('utf-8', { fatal: true });
      try {
        for await (const chunk of stream) {
          bytes += (chunk as Buffer).length;
          yield* toRows(parser.push(decoder.decode(chunk as Buffer, { stream: true })));
        }
        yield* toRows(parser.push(decoder.decode()));
        yield* toRows(parser.end());
      } catch (err) {
        if (err instanceof TypeError) throw new SourceError(`${file}: not valid UTF-8`);
        if (err instanceof SourceError && !err.message.startsWith(file)) throw new SourceError(`${file}: ${err.message}`);
        throw err;
      } finally {
        stream.destroy();
      }
    },
  };
}

const NUMBER_TYPES = new Set(['Int8', 'Int16', 'Int32', 'Int64', 'Float', 'Double']);

/**
 * Converts a CSV row's text cells by the collection's field types: numbers, booleans
 * (true/false), JSON, arrays and vectors (JSON text such as "[0.1, 0.2]") are parsed; VarChar
 * stays text. An empty cell of a non-VarChar field is left out (the field's default or null).
 * Columns that are not fields (dynamic fields) stay text. A cell that does not parse is passed
 * on unchanged, so the server's validation names the row and field.
 */
export function coerceCsvRow(row: Record<string, unknown>, fieldTypes: ReadonlyMap<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(row)) {
    const type = fieldTypes.get(name);
    if (typeof raw !== 'string' || type === undefined || type === 'VarChar') {
      out[name] = raw;
      continue;
    }
    if (raw.trim() === '') continue;
    if (NUMBER_TYPES.has(type)) {
      const n = Number(raw);
      out[name] = Number.isFinite(n) ? n : raw;
    } else if (type === 'Bool') {
      const t = raw.trim().toLowerCase();
      out[name] = t === 'true' ? true : t === 'false' ? false : raw;
    } else {
      try {
        out[name] = JSON.parse(raw);
      } catch {
        out[name] = raw;
      }
    }
  }
  return out;
}
