/** Plain-text tables for terminal output: left-aligned text, right-aligned numbers. */

export type Cell = string | number | null | undefined;

/** Renders rows under a header; null/undefined cells print as "n/a". */
export function renderTable(header: string[], rows: Cell[][]): string {
  const text = rows.map((r) => r.map((c) => (c === null || c === undefined ? 'n/a' : String(c))));
  const numeric = header.map((_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === 'number' || r[i] === null || r[i] === undefined));
  const widths = header.map((h, i) => Math.max(h.length, ...text.map((r) => r[i]?.length ?? 0)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...text.map(line)].join('\n') + '\n';
}

/** 1536 → "1.5 KiB". */
export function formatBytes(n: number | null | undefined): string | null {
  if (n === null || n === undefined) return null;
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${v} B` : `${v.toFixed(1)} ${units[u]}`;
}

/** Milliseconds since the epoch → "12s ago" relative to now. */
export function ago(ms: number | null | undefined, now = Date.now()): string | null {
  if (ms === null || ms === undefined) return null;
  const s = Math.max(0, Math.round((now - ms) / 1000));
  return s < 120 ? `${s}s ago` : s < 7200 ? `${Math.round(s / 60)}m ago` : `${Math.round(s / 3600)}h ago`;
}
