/**
 * The Node implementation of the Logger port: pino, one JSON object per line on stderr (stdout
 * carries only the start banner). Each logger owns an AsyncLocalStorage, so `scope` (used per
 * HTTP request for its request id) tags every line logged on the request's behalf, however deep
 * the call. Secrets are removed twice: pino's `redact` for known paths, and `redactSecrets` (the
 * port's safety net) over every field object.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { pino, type DestinationStream } from 'pino';
import { redactSecrets, type Logger } from '../logger.ts';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

export interface PinoLoggerOptions {
  /** Names the process role in every line ("proxy", "indexer", "standalone"). */
  component: string;
  /** Lowest level written; default info. */
  level?: LogLevel;
  /** Where lines go; default stderr (fd 2, synchronous, so nothing is lost at exit). */
  destination?: DestinationStream;
}

/** Credential paths pino removes itself, whatever else the safety net catches. */
const REDACT_PATHS = [
  'password', '*.password', 'secretAccessKey', '*.secretAccessKey', 'authorization', '*.authorization',
  'headers.authorization', 'token', '*.token', 'apiKey', '*.apiKey',
];

/** A pino-backed Logger. Never throws on logging. */
export function pinoLogger(options: PinoLoggerOptions): Logger {
  const scopes = new AsyncLocalStorage<Record<string, unknown>>();
  const base = pino(
    {
      level: options.level ?? 'info',
      base: { component: options.component },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      mixin: () => scopes.getStore() ?? {},
    },
    options.destination ?? pino.destination({ fd: 2, sync: true }),
  );
  const fieldsOf = (f?: Record<string, unknown>) => (f ? (redactSecrets(f) as Record<string, unknown>) : {});
  return {
    info: (msg, f) => base.info(fieldsOf(f), msg),
    warn: (msg, f) => base.warn(fieldsOf(f), msg),
    error: (msg, f) => base.error(fieldsOf(f), msg),
    scope: (fields, fn) => scopes.run({ ...(scopes.getStore() ?? {}), ...fields }, fn),
  };
}
