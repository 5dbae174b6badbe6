/**
 * How an endpoint is declared: its path, the zod schema of its JSON body, and a handler that gets
 * the parsed body and a request context. Body parsing, the Milvus envelope and errors are handled
 * once for all routes (see app.ts), so a route file holds only its own logic.
 */
import type { z } from 'zod';
import type { Principal } from './auth/principal.ts';
import type { ProxyServices } from './services.ts';

/** Per-request facts every handler may need. */
export interface RequestContext {
  services: ProxyServices;
  /** Who the request acts as (the anonymous superuser while auth is off). */
  principal: Principal;
  /** Database from the body's dbName, else the DB-Name header, else "default". */
  dbName: string;
  /** Accept-Type-Allow-Int64: true — answer Int64 values as JSON numbers instead of strings. */
  int64AsNumber: boolean;
  /** Milliseconds since the epoch after which the request must give up (Request-Timeout). */
  deadline: number;
  /** Raw request headers, lower-cased names. */
  header(name: string): string | undefined;
  /** Adds a response header (e.g. the session token). */
  setHeader(name: string, value: string): void;
}

/** What a handler returns: the `data` of the envelope, plus optional top-level keys (cost, topks). */
export interface RouteResult {
  data: unknown;
  extra?: Record<string, unknown>;
}

export interface RouteDef<S extends z.ZodType = z.ZodType> {
  /** Full path, e.g. /v2/vectordb/collections/create. */
  path: string;
  body: S;
  handle(ctx: RequestContext, body: z.infer<S>): Promise<RouteResult>;
}

/** Declares a route with its body type inferred from the schema. */
export function defineRoute<S extends z.ZodType>(def: RouteDef<S>): RouteDef<S> {
  return def;
}

/** Wraps plain data in a RouteResult. */
export function ok(data: unknown = {}, extra?: Record<string, unknown>): RouteResult {
  return { data, extra };
}
