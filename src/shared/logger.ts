/** Structured logging port: one JSON object per line. Secrets must never be passed as fields. */
export interface Logger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  /**
   * Runs fn with `fields` added to every line logged while it runs, including from code called
   * asynchronously on its behalf (e.g. the request id of an HTTP request). Optional: loggers
   * without async context support leave it out and callers then just run fn.
   */
  scope?<T>(fields: Record<string, unknown>, fn: () => T): T;
}

/** Field names whose values are credentials; matched case-insensitively anywhere in the name. */
const SECRET_FIELD = /password|passwd|secret|token|authorization|api[-_]?key|credential/i;
/** How deep nested fields are inspected; deeper values are replaced rather than walked. */
const MAX_REDACT_DEPTH = 4;

/**
 * A copy of `value` with the values of credential-named fields replaced by "[redacted]". A
 * safety net: callers must still not pass secrets, but a config object or an error detail that
 * carries one by accident does not reach the log.
 */
export function redactSecrets(value: unknown, depth = 0): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (depth >= MAX_REDACT_DEPTH) return '[nested]';
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v, depth + 1));
  if (value instanceof Error) return String(value);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_FIELD.test(k) ? '[redacted]' : redactSecrets(v, depth + 1);
  return out;
}

/** Writes JSON lines through `write` (console.error by default, keeping stdout for data). */
export function jsonLogger(component: string, write: (line: string) => void = (l) => console.error(l)): Logger {
  const emit = (level: string, msg: string, fields?: Record<string, unknown>) =>
    write(JSON.stringify({ time: new Date().toISOString(), level, component, msg, ...(fields ? (redactSecrets(fields) as object) : {}) }));
  return {
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
  };
}

/** Discards everything (tests). */
export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
