/**
 * `quiver export --collection C [--out file.jsonl]`: writes a collection's rows (or those
 * matching --filter) as JSON Lines, in primary-key order, one object per row with the fields
 * entities/query returns (Int64 values as numbers). Progress goes to stderr.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { rename } from 'node:fs/promises';
import { resolve } from 'node:path';
import { KeyRangePager } from './export-pager.ts';
import { describeCollection, MilvusClient, primaryKeyOf } from './milvus-client.ts';
import { Progress } from './progress.ts';
import { CommandError, CONNECTION_HELP, CONNECTION_OPTIONS, intFlag, parseCommandArgs, serverUrl, stringFlag, UsageError } from './usage.ts';

export const EXPORT_HELP = `usage: quiver export --collection C [options]

Writes the collection's rows as JSON Lines in primary-key order (one JSON object per line; Int64
values as numbers, vectors as arrays), so "quiver import" can load the file again.

options:
  --collection C          collection to export (required)
${CONNECTION_HELP}  --out FILE              output file (default: stdout); written to FILE.partial, renamed when done
  --output-fields F,...   fields to write (default: all, vectors and dynamic fields included)
  --filter EXPR           only rows matching this Milvus filter expression
  --page N                rows per query (default 2000, at most 16384)
  -h, --help              this text
`;

export async function runExport(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    ...CONNECTION_OPTIONS,
    collection: { type: 'string' },
    out: { type: 'string' },
    'output-fields': { type: 'string', multiple: true },
    filter: { type: 'string' },
    page: { type: 'string' },
  });
  if (values.help) {
    process.stdout.write(EXPORT_HELP);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
  const collection = stringFlag(values, 'collection');
  if (!collection) throw new UsageError('--collection is required');
  const pageSize = intFlag(values, 'page', 2000, 1, 16384);
  const fieldsFlag = (values['output-fields'] as string[] | undefined) ?? [];
  const outputFields = fieldsFlag.flatMap((f) => f.split(',')).map((f) => f.trim()).filter((f) => f !== '');
  const client = new MilvusClient({
    url: serverUrl(stringFlag(values, 'url', process.env.QUIVER_URL)),
    db: stringFlag(values, 'db'),
    token: stringFlag(values, 'token', process.env.QUIVER_TOKEN),
    onRetry: (path, attempt, error) => process.stderr.write(`export: ${path} failed (${error.message}); retry ${attempt}\n`),
  });
  const described = await describeCollection(client, collection);
  const pk = primaryKeyOf(described);
  if (pk.type !== 'Int64' && pk.type !== 'VarChar') throw new CommandError(`unsupported primary key type ${pk.type}`);
  const pager = new KeyRangePager({
    client, collection, pkName: pk.name, textKeys: pk.type === 'VarChar',
    filter: stringFlag(values, 'filter') ?? '',
    outputFields: outputFields.length > 0 ? outputFields : ['*'],
    pageSize,
  });
  const total = await pager.total();
  const outPath = stringFlag(values, 'out');
  const target = outPath === undefined || outPath === '-' ? null : resolve(outPath);
  const partial = target === null ? null : `${target}.partial`;
  const out = partial === null ? process.stdout : createWriteStream(partial);
  const progress = new Progress({ label: 'export', total, unit: 'rows' });
  let rows = 0;
  for await (const page of pager.pages()) {
    const text = page.map((r) => JSON.stringify(r)).join('\n') + '\n';
    if (!out.write(text)) await once(out, 'drain');
    rows += page.length;
    progress.update(rows, rows);
  }
  if (partial !== null && target !== null) {
    const file = out as ReturnType<typeof createWriteStream>;
    file.end();
    await once(file, 'finish');
    await rename(partial, target);
  }
  progress.stop(`${rows} rows${target ? ` to ${target}` : ''} (${pager.queries} queries, ${pager.counts} counts)`);
  if (rows !== total) process.stderr.write(`export: note: ${total} rows matched when the export began, ${rows} were written (rows changed meanwhile)\n`);
  return 0;
}
