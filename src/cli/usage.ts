/**
 * Shared command-line plumbing: option parsing with node:util parseArgs, the usage error that
 * ends a command with exit code 2, and number parsing that names the offending flag.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Bad usage (unknown flag, missing or malformed value): the command exits with code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A failure the user can act on (server error, unreadable file): exit code 1, no stack trace. */
export class CommandError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CommandError';
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;

export interface Parsed {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

/**
 * Parses `argv` strictly against `options` (plus `-h/--help`). Throws UsageError for unknown
 * flags or missing values, so every command reports bad usage the same way.
 */
export function parseCommandArgs(argv: string[], options: Options, allowPositionals = true): Parsed {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals,
      strict: true,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
    });
    return { values: values as Parsed['values'], positionals };
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** A string flag's value, or `fallback` when it was not given. */
export function stringFlag(values: Parsed['values'], name: string, fallback?: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : fallback;
}

/**
 * An integer flag within [min, max]; `fallback` when absent. Throws UsageError naming the flag
 * when the value is not an integer in range.
 */
export function intFlag(values: Parsed['values'], name: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const v = values[name];
  if (v === undefined) return fallback;
  const n = Number(v);
  if (typeof v !== 'string' || v.trim() === '' || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name} must be an integer in [${min}, ${max}], got ${JSON.stringify(v)}`);
  }
  return n;
}

/** Normalises a server URL given on the command line (adds http://, drops trailing slashes). */
export function serverUrl(raw: string | undefined): string {
  const value = (raw ?? 'http://127.0.0.1:19530').trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`;
  try {
    const u = new URL(withScheme);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('scheme');
  } catch {
    throw new UsageError(`--url must be an http(s) URL, got ${JSON.stringify(raw)}`);
  }
  return withScheme.replace(/\/+$/, '');
}

/** The connection flags every client command accepts. */
export const CONNECTION_OPTIONS = {
  url: { type: 'string' },
  db: { type: 'string' },
  token: { type: 'string' },
} as const satisfies Options;

export const CONNECTION_HELP = `  --url URL        server address (default http://127.0.0.1:19530; env QUIVER_URL)
  --db NAME        database (default "default")
  --token T        credentials: "user:password" or an API key (env QUIVER_TOKEN)
`;
