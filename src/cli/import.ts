/**
 * `quiver import <file> --collection C`: streams rows from a JSONL, CSV, Parquet, .npy or fvecs
 * file into a collection through the Milvus REST API, in batches, resumably (see
 * import-checkpoint.ts for the checkpoint and import-keys.ts for what a resume guarantees).
 */
import { resolve } from 'node:path';
import { readCheckpoint, removeCheckpoint, resumeConflict, sourceIdentity, writeCheckpoint, type Checkpoint } from './import-checkpoint.ts';
import { planKeys, rowShaper } from './import-keys.ts';
import { BatchSender } from './import-sender.ts';
import { describeCollection, MilvusClient } from './milvus-client.ts';
import { formatSeconds, Progress } from './progress.ts';
import { openSource } from './sources/open-source.ts';
import { FORMATS, formatFromName, SourceError, type Format } from './sources/source.ts';
import { CommandError, CONNECTION_HELP, CONNECTION_OPTIONS, intFlag, parseCommandArgs, serverUrl, stringFlag, UsageError } from './usage.ts';
import { VECTOR_ENCODINGS, vectorEncoder, type VectorEncoding } from './vector-encoding.ts';

export const IMPORT_HELP = `usage: quiver import <file> --collection C [options]

Streams rows from a file into a collection (Milvus REST entities/upsert, or entities/insert for
autoID collections whose rows carry no keys), with retries, a progress display on stderr and a
checkpoint that lets a rerun resume after the last acknowledged row.

options:
  --collection C     target collection (required)
${CONNECTION_HELP}  --format F         jsonl | csv | parquet | npy | fvecs (default: from the file extension)
  --batch N          rows per request (default 1000)
  --concurrency N    requests in flight (default 2)
  --rate N           send at most N rows per second (default: unlimited)
  --vector-field F   field that npy/fvecs vectors go to (default "vector")
  --vector-encoding E
                     how FloatVector values are sent: base64 (default; quiver's compact form)
                     or numbers (for other Milvus REST servers)
  --id-start N       number rows N, N+1, ... as primary keys (files without keys)
  --checkpoint FILE  checkpoint file (default <file>.quiver-import.json)
  --restart          ignore an existing checkpoint and start at the first row
  -h, --help         this text

Keys: rows with primary keys, or keys from --id-start or the row number (npy, fvecs), are
upserted, so a resumed import writes every row exactly once. Rows of an autoID collection without
keys are inserted: a batch sent but not acknowledged before an interruption may be stored twice.
`;

export async function runImport(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    ...CONNECTION_OPTIONS,
    collection: { type: 'string' },
    format: { type: 'string' },
    batch: { type: 'string' },
    concurrency: { type: 'string' },
    rate: { type: 'string' },
    'vector-field': { type: 'string' },
    'vector-encoding': { type: 'string' },
    'id-start': { type: 'string' },
    checkpoint: { type: 'string' },
    restart: { type: 'boolean' },
  });
  if (values.help) {
    process.stdout.write(IMPORT_HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('import needs exactly one file');
  const file = resolve(positionals[0]);
  const collection = stringFlag(values, 'collection');
  if (!collection) throw new UsageError('--collection is required');
  const formatName = stringFlag(values, 'format') ?? formatFromName(file);
  if (formatName === null) throw new UsageError(`cannot tell the format of ${positionals[0]} from its name: pass --format (${FORMATS.join(', ')})`);
  if (!(FORMATS as readonly string[]).includes(formatName)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}`);
  const format = formatName as Format;
  const batch = intFlag(values, 'batch', 1000, 1, 100_000);
  const concurrency = intFlag(values, 'concurrency', 2, 1, 64);
  const rate = intFlag(values, 'rate', 0, 0);
  const idStartFlag = values['id-start'] === undefined ? null : intFlag(values, 'id-start', 0, 0);
  const vectorField = stringFlag(values, 'vector-field', 'vector')!;
  const vectorEncoding = stringFlag(values, 'vector-encoding', 'base64')!;
  if (!(VECTOR_ENCODINGS as readonly string[]).includes(vectorEncoding)) throw new UsageError(`--vector-encoding must be one of ${VECTOR_ENCODINGS.join(', ')}`);
  const checkpointPath = resolve(stringFlag(values, 'checkpoint') ?? `${file}.quiver-import.json`);
  const url = serverUrl(stringFlag(values, 'url', process.env.QUIVER_URL));
  const db = stringFlag(values, 'db') ?? null;

  let source;
  try {
    source = await openSource(file, format, vectorField);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new CommandError(`${file}: no such file`);
    throw err;
  }
  const identity = await sourceIdentity(file);
  const retries = { count: 0 };
  const client = new MilvusClient({
    url,
    db: db ?? undefined,
    token: stringFlag(values, 'token', process.env.QUIVER_TOKEN),
    onRetry: (path, attempt, error) => {
      retries.count++;
      process.stderr.write(`import: ${path} failed (${error.message}); retry ${attempt}\n`);
    },
  });
  const described = await describeCollection(client, collection);

  const peek = source.rows(0);
  const first = await peek.next();
  await peek.return(undefined);
  const plan = planKeys(described, first.done ? null : first.value, source.vectorsOnly, idStartFlag);
  const shape = rowShaper(described, format, plan);
  const encode = vectorEncoder(described, vectorEncoding as VectorEncoding);
  const base = {
    version: 1 as const, file, source: identity, url, db, collection, format,
    keys: plan.scheme, idStart: plan.idStart, vectorField,
  };

  let startRow = 0;
  if (values.restart) {
    await removeCheckpoint(checkpointPath);
  } else {
    const cp = await readCheckpoint(checkpointPath);
    if (cp) {
      const conflict = resumeConflict(cp, base);
      if (conflict) throw new UsageError(`cannot resume from ${checkpointPath}: ${conflict}; pass --restart to import from the first row`);
      if (cp.complete) {
        process.stderr.write(`import: ${file} was already imported completely (${cp.rowsAcknowledged} rows, checkpoint ${checkpointPath}); pass --restart to import it again\n`);
        return 0;
      }
      startRow = cp.rowsAcknowledged;
      process.stderr.write(`import: resuming after row ${startRow} (checkpoint ${checkpointPath})\n`);
    }
  }

  const save = (rows: number, complete: boolean): Promise<void> => {
    const cp: Checkpoint = { ...base, rowsAcknowledged: rows, complete, updatedAt: new Date().toISOString() };
    return writeCheckpoint(checkpointPath, cp);
  };
  const unit = source.totalRows !== null ? 'rows' : 'bytes';
  const progress = new Progress({
    label: 'import',
    total: source.totalRows ?? source.totalBytes,
    unit,
    startRows: startRow,
  });
  // Source bytes consumed when each batch was cut (keyed by the batch's end row): the reader runs
  // ahead of the acknowledgements, so progress in bytes must follow the acknowledged rows.
  const bytesAt = new Map<number, number>();
  const sender = new BatchSender({
    client, collection, endpoint: plan.endpoint, concurrency, rate, startRow,
    onAcknowledged: async (rows) => {
      await save(rows, false);
      const bytes = bytesAt.get(rows) ?? source.bytesRead();
      for (const k of bytesAt.keys()) if (k <= rows) bytesAt.delete(k);
      progress.update(unit === 'rows' ? rows : bytes, rows);
    },
  });
  process.stderr.write(
    `import: ${file} (${format}) → ${collection} via ${plan.endpoint} (keys: ${plan.scheme}${plan.idStart !== null ? ` from ${plan.idStart}` : ''})\n`,
  );
  const started = Date.now();
  // Ctrl-C stops reading, lets the requests in flight finish and keeps the checkpoint there.
  let interrupted = false;
  const onInterrupt = () => (interrupted = true);
  process.once('SIGINT', onInterrupt);
  let n = startRow;
  let pending: Record<string, unknown>[] = [];
  try {
    for await (const row of source.rows(startRow)) {
      if (interrupted) break;
      pending.push(encode(shape(row, n++)));
      if (pending.length >= batch) {
        bytesAt.set(n, source.bytesRead());
        await sender.send(pending);
        pending = [];
      }
    }
    if (pending.length > 0 && !interrupted) {
      bytesAt.set(n, source.totalBytes);
      await sender.send(pending);
    }
    await sender.drain();
  } catch (err) {
    // Let the batches in flight finish, so the checkpoint covers every row the server took; a
    // batch failure there concerns earlier rows than a read error, so it is the one reported.
    let failure = err;
    if (err instanceof SourceError) await sender.drain().catch((e: unknown) => (failure = e));
    progress.stop(`stopped after ${sender.acknowledgedRows} acknowledged rows (checkpoint ${checkpointPath})`);
    if (failure instanceof SourceError) throw new CommandError(failure.message);
    throw failure;
  } finally {
    process.off('SIGINT', onInterrupt);
  }
  if (interrupted) {
    progress.stop(`interrupted after ${sender.acknowledgedRows} acknowledged rows; run the same command again to resume (checkpoint ${checkpointPath})`);
    return 130;
  }
  await save(n, true);
  const seconds = (Date.now() - started) / 1000;
  const rows = n - startRow;
  progress.stop(
    `${rows} rows in ${formatSeconds(seconds)} (${Math.round(rows / Math.max(seconds, 0.001))} rows/s)` +
      `${startRow > 0 ? `, resumed after row ${startRow}` : ''}${retries.count > 0 ? `, ${retries.count} retries` : ''}; ${n} rows in total`,
  );
  return 0;
}
