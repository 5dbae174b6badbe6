/**
 * librdkafka errors to the Log port's LogError kinds, and callback-to-promise helpers that map
 * on the way. Messages carry the operation, librdkafka's text and the error code name, never a
 * credential: librdkafka does not echo sasl.password, and `redact` removes it from any text that
 * might (configuration errors quote values).
 */
import rdkafka from '@confluentinc/kafka-javascript';
import { LogError } from '../../ports/log.ts';

/** librdkafka's error codes, by name (ERR_..., ERR__... for client-side errors). */
export const CODES = rdkafka.CODES.ERRORS;

const NAMES = new Map<number, string>(Object.entries(CODES).map(([name, code]) => [code, name]));

/** What librdkafka reports: a code and a text, sometimes fatal. */
export interface VendorError {
  code: number;
  message: string;
  isFatal?: boolean;
}

/** True for errors produced by the client (LibrdKafkaError objects or plain code/message pairs). */
export function isVendorError(err: unknown): err is VendorError {
  return (
    typeof err === 'object' &&
    err !== null &&
    typeof (err as { code?: unknown }).code === 'number' &&
    typeof (err as { message?: unknown }).message === 'string'
  );
}

/** The librdkafka code of `err`, or undefined for anything else. */
export function codeOf(err: unknown): number | undefined {
  return isVendorError(err) ? err.code : undefined;
}

const UNKNOWN_TOPIC = new Set<number>([
  CODES.ERR_UNKNOWN_TOPIC_OR_PART,
  CODES.ERR__UNKNOWN_TOPIC,
  CODES.ERR__UNKNOWN_PARTITION,
  CODES.ERR_UNKNOWN_TOPIC_ID,
]);
const TOO_LARGE = new Set<number>([CODES.ERR_MSG_SIZE_TOO_LARGE, CODES.ERR_RECORD_LIST_TOO_LARGE]);
const INVALID = new Set<number>([
  CODES.ERR__INVALID_ARG,
  CODES.ERR_OFFSET_OUT_OF_RANGE,
  CODES.ERR_INVALID_PARTITIONS,
  CODES.ERR_INVALID_REPLICATION_FACTOR,
  CODES.ERR_TOPIC_EXCEPTION,
  CODES.ERR_INVALID_CONFIG,
  CODES.ERR_INVALID_REQUEST,
  CODES.ERR_POLICY_VIOLATION,
  CODES.ERR_TOPIC_ALREADY_EXISTS,
  CODES.ERR_TOPIC_DELETION_DISABLED,
]);
const CLOSED = new Set<number>([CODES.ERR__DESTROY]);

/** The port kind for a librdkafka code: everything not listed (timeouts, transport) is 'unavailable'. */
export function kindOf(code: number | undefined): LogError['kind'] {
  if (code === undefined) return 'unavailable';
  if (UNKNOWN_TOPIC.has(code)) return 'unknown-topic';
  if (TOO_LARGE.has(code)) return 'too-large';
  if (INVALID.has(code)) return 'invalid';
  if (CLOSED.has(code)) return 'closed';
  return 'unavailable';
}

/** Replaces every occurrence of the given secrets in `text`. */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret) out = out.split(secret).join('***');
  }
  return out;
}

/**
 * `err` as a LogError: LogErrors pass through, librdkafka errors get the kind of their code, other
 * errors the fallback kind. `what` names the operation ("send to topic x").
 */
export function toLogError(
  what: string,
  err: unknown,
  fallback: LogError['kind'] = 'unavailable',
  secrets: readonly (string | undefined)[] = [],
): LogError {
  if (err instanceof LogError) return err;
  if (isVendorError(err)) {
    const name = NAMES.get(err.code) ?? `code ${err.code}`;
    const fatal = err.isFatal ? ', fatal' : '';
    const message = redact(`${what}: ${err.message} (${name}${fatal})`, secrets);
    return new LogError(message, err.code === -1 ? fallback : kindOf(err.code), { cause: err });
  }
  const text = err instanceof Error ? err.message : String(err);
  return new LogError(redact(`${what}: ${text}`, secrets), fallback, { cause: err });
}

/**
 * Runs a callback-style client call as a promise. Synchronous throws and callback errors both
 * reject with toLogError(what, ...).
 */
export function viaCallback<T>(
  what: string,
  start: (done: (err: unknown, value?: T) => void) => unknown,
  secrets: readonly (string | undefined)[] = [],
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    try {
      start((err, value) => (err ? reject(toLogError(what, err, 'unavailable', secrets)) : resolve(value as T)));
    } catch (err) {
      reject(toLogError(what, err, 'unavailable', secrets));
    }
  });
}

/**
 * Reports repeated client errors (a broker down produces one per reconnect attempt) at most once
 * per distinct error per `intervalMs`, with the number suppressed since the last report.
 */
export class ErrorThrottle {
  private readonly last = new Map<string, { at: number; suppressed: number }>();

  constructor(
    private readonly report: (err: VendorError, suppressed: number) => void,
    private readonly intervalMs = 10_000,
  ) {}

  /** Passes the error on unless the same one was reported within the interval. */
  push(err: VendorError, now = Date.now()): void {
    const key = `${err.code}:${err.message}`;
    const seen = this.last.get(key);
    if (seen !== undefined && now - seen.at < this.intervalMs) {
      seen.suppressed++;
      return;
    }
    this.last.set(key, { at: now, suppressed: 0 });
    this.report(err, seen?.suppressed ?? 0);
  }
}

/**
 * A client error for logs: its text (secrets removed), and its code name when it has one (error
 * events of the binding carry only the text).
 */
export function describeVendorError(
  err: VendorError,
  secrets: readonly (string | undefined)[] = [],
): { error: string; code?: string } {
  const error = redact(err.message, secrets);
  const code = NAMES.get(err.code);
  return err.code === -1 || code === undefined ? { error } : { error, code };
}
