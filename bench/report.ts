/**
 * Rendering and storing suite results: an aligned console table, a Markdown section in
 * BENCHMARKS.md (only the suite's own section is replaced; other sections and hand-written text
 * are kept), and the JSON rows (written to a temporary file, then renamed into place).
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ReportTable, SuiteResult } from './run-suite.ts';

const FILE_HEADER = `# Benchmarks

Produced by \`npm run bench -- <suite>\`; each suite rewrites only its own section below.
Raw results are in \`bench/results/<suite>.json\`.
`;

function cell(v: string | number | null): string {
  if (v === null) return '—';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return String(v);
    if (Number.isInteger(v)) return String(v);
    return Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toFixed(3);
  }
  return v;
}

/** A table as aligned plain text. */
export function consoleTable(t: ReportTable): string {
  const cells = [t.headers, ...t.rows.map((r) => r.map(cell))];
  const widths = t.headers.map((_, c) => Math.max(...cells.map((r) => (r[c] ?? '').length)));
  const line = (r: string[]) => r.map((x, c) => x.padStart(widths[c])).join('  ');
  return [t.title, line(t.headers), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

/** A table as Markdown. */
export function markdownTable(t: ReportTable): string {
  const row = (r: string[]) => `| ${r.join(' | ')} |`;
  return [row(t.headers), row(t.headers.map(() => '---')), ...t.rows.map((r) => row(r.map(cell)))].join('\n');
}

/** The whole result as console text. */
export function consoleReport(r: SuiteResult): string {
  const notes = r.notes.map((n) => n.replace(/^- /, '  * ').replace(/\*\*/g, '').replace(/`/g, ''));
  return [`== ${r.title} ==`, ...r.tables.map(consoleTable), notes.join('\n')].join('\n\n');
}

function markerPair(suite: string): [string, string] {
  return [`<!-- bench:${suite}:begin -->`, `<!-- bench:${suite}:end -->`];
}

/** The suite's Markdown section, markers included. */
export function markdownSection(r: SuiteResult): string {
  const [begin, end] = markerPair(r.suite);
  const e = r.env;
  const params = Object.entries(r.params).map(([k, v]) => `${k}=${v}`).join(', ');
  const parts = [
    begin,
    `## ${r.title}`,
    `Run ${e.date} on ${e.cpu} (${e.cores} cores, ${e.memory_gb} GiB, ${e.os}; load average ${e.load_avg}), ` +
      `Node ${e.node}, quiver ${e.quiver}, usearch ${e.usearch}.`,
    `Parameters: ${params}.`,
    ...r.tables.flatMap((t) => [`### ${t.title}`, markdownTable(t)]),
    r.notes.join('\n'),
    end,
  ];
  return parts.join('\n\n') + '\n';
}

/** Replaces (or appends) the suite's section in the Markdown file at `path`, creating it if needed. */
export async function writeMarkdownSection(path: string, r: SuiteResult): Promise<void> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    text = FILE_HEADER;
  }
  const [begin, end] = markerPair(r.suite);
  const section = markdownSection(r);
  const from = text.indexOf(begin);
  const to = text.indexOf(end);
  if (from >= 0 && to > from) {
    text = text.slice(0, from) + section.trimEnd() + text.slice(to + end.length);
  } else {
    text = `${text.trimEnd()}\n\n${section}`;
  }
  await writeAtomic(path, text.endsWith('\n') ? text : `${text}\n`);
}

/** Writes the result rows as a JSON array to `path`. */
export async function writeJsonResults(path: string, r: SuiteResult): Promise<void> {
  await writeAtomic(path, `${JSON.stringify(r.rows, null, 2)}\n`);
}

async function writeAtomic(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, path);
}
