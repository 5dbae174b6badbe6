/** Small display helpers: numbers, sizes, times. Pure functions. */

export function formatNumber(n) {
  return n === null || n === undefined ? '—' : Number(n).toLocaleString('en-US');
}

export function formatBytes(n) {
  if (n === null || n === undefined) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

/** Milliseconds since the epoch as a local date and time. */
export function formatTime(ms) {
  if (ms === null || ms === undefined) return '—';
  return new Date(ms).toLocaleString('sv-SE');
}

/** How long ago `ms` was, relative to `now`, e.g. "3 s ago". */
export function formatAgo(ms, now = Date.now()) {
  if (ms === null || ms === undefined) return '—';
  const s = Math.round((now - ms) / 1000);
  if (s < 0) return `in ${-s} s`;
  if (s < 120) return `${s} s ago`;
  if (s < 7200) return `${Math.round(s / 60)} min ago`;
  return `${Math.round(s / 3600)} h ago`;
}

/** A cell value of a result row: strings as they are, everything else as JSON. */
export function formatValue(v) {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  return JSON.stringify(v);
}
