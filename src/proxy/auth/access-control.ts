/**
 * Admission of every request, in the order the app applies it:
 *
 * 1. `admit`: who is calling (401 / 1800 when auth is on and credentials are missing or wrong),
 *    then the caller's token bucket (1807 when over the rate). Runs before the body is read.
 * 2. `checkBody`: body limits on the parsed JSON (1100).
 * 3. `authorize`: the endpoint's privilege for the request's database and collection (403 / 1401).
 *
 * With auth off every request is the anonymous superuser and nothing is read from the
 * coordinator; rate and body limits still apply. The users/roles endpoints use `store`,
 * `hasher` and `snapshot`, and call `changed` after writing so this proxy sees its own changes
 * at once.
 */
import type { AuthSnapshot } from '../../shared/catalog/auth-records.ts';
import { AuthStore } from '../../shared/catalog/auth-store.ts';
import type { AuthConfig, LimitsConfig } from '../../shared/config/schema.ts';
import { configSchema } from '../../shared/config/schema.ts';
import { ErrorCode, QuiverError } from '../../shared/errors.ts';
import type { Coordinator } from '../../shared/ports/coordinator.ts';
import { Authenticator } from './authenticator.ts';
import { authorize } from './authorizer.ts';
import { pbkdf2Hasher, type PasswordHasher } from './password-hash.ts';
import { ANONYMOUS, rateKeyOf, rateLimited, type Principal } from './principal.ts';
import { RateLimiter } from './rate-limiter.ts';
import { checkRequestBody, type RequestLimits } from './request-limits.ts';
import { requirementOf } from './route-privileges.ts';
import { SnapshotCache } from './snapshot-cache.ts';

export interface AccessSettings {
  /** Require credentials. */
  authEnabled: boolean;
  /** See auth.cacheTtlMs. */
  cacheTtlMs: number;
  /** Null: no rate limit. */
  rateLimit: { requestsPerSecond: number; burst: number } | null;
  limits: RequestLimits;
}

/** The settings of the loaded configuration's auth and limits sections. */
export function accessSettingsFrom(config: { auth: AuthConfig; limits: LimitsConfig }): AccessSettings {
  const { auth, limits } = config;
  return {
    authEnabled: auth.enabled,
    cacheTtlMs: auth.cacheTtlMs,
    rateLimit: limits.rateLimit.enabled ? { requestsPerSecond: limits.rateLimit.requestsPerSecond, burst: limits.rateLimit.burst } : null,
    limits: { maxJsonDepth: limits.maxJsonDepth, maxStringLength: limits.maxStringLength, maxRowsPerRequest: limits.maxRowsPerRequest },
  };
}

/** The settings of a configuration with every default (auth off, no rate limit). */
export function defaultAccessSettings(): AccessSettings {
  return accessSettingsFrom(configSchema.parse({}));
}

export interface AccessControlOptions {
  coordinator: Coordinator;
  hasher: PasswordHasher;
  settings: AccessSettings;
  /** Milliseconds since the epoch. */
  now(): number;
}

export class AccessControl {
  readonly store: AuthStore;
  readonly hasher: PasswordHasher;
  readonly settings: AccessSettings;
  private readonly cache: SnapshotCache;
  private readonly authenticator: Authenticator;
  private readonly limiter: RateLimiter | null;

  constructor(o: AccessControlOptions) {
    this.store = new AuthStore(o.coordinator);
    this.hasher = o.hasher;
    this.settings = o.settings;
    this.cache = new SnapshotCache({ store: this.store, coordinator: o.coordinator, ttlMs: o.settings.cacheTtlMs, now: o.now });
    this.authenticator = new Authenticator({ hasher: o.hasher, snapshot: () => this.cache.get() });
    this.limiter = o.settings.rateLimit ? new RateLimiter(o.settings.rateLimit, o.now) : null;
  }

  /** Starts following changes made by other proxies (only needed with auth on). Idempotent. */
  start(): void {
    if (this.settings.authEnabled) this.cache.start();
  }

  /** Stops following changes. Idempotent. */
  close(): void {
    this.cache.close();
  }

  /**
   * The caller of a request with this Authorization header, after taking a token from its
   * bucket. Throws 401 (1800) for bad credentials while auth is on, 1807 over the rate, 503
   * (2201) when auth is on and the coordinator cannot be read.
   */
  async admit(authorization: string | undefined): Promise<Principal> {
    const principal = this.settings.authEnabled ? await this.authenticator.authenticate(authorization) : ANONYMOUS;
    if (this.limiter && !this.limiter.tryTake(rateKeyOf(principal))) {
      throw rateLimited(principal, this.settings.rateLimit!.requestsPerSecond);
    }
    return principal;
  }

  /** 1100 when the parsed body of a request to `path` breaks a request limit. */
  checkBody(path: string, body: unknown): void {
    checkRequestBody(path, body, this.settings.limits);
  }

  /** HTTP 403 (1401) unless `principal` may call `path` on `dbName` with this body. */
  async authorize(principal: Principal, path: string, dbName: string, body: Record<string, unknown>): Promise<void> {
    if (principal.superuser) return;
    authorize(await this.cache.get(), principal, requirementOf(path), { dbName, body });
  }

  /** The current users, roles and keys (this proxy's copy). */
  snapshot(): Promise<AuthSnapshot> {
    return this.cache.get();
  }

  /** Call after changing users, roles or keys: this proxy re-reads them on the next request. */
  changed(): void {
    this.cache.invalidate();
  }
}

/** The access control of a request's services (the app always sets one; 65535 if not). */
export function accessOf(ctx: { services: { auth?: AccessControl } }): AccessControl {
  const auth = ctx.services.auth;
  if (!auth) throw new QuiverError(ErrorCode.Unexpected, 'access control is not configured on this proxy');
  return auth;
}

/** Access control with every default (auth off, default limits), for services built without one. */
export function defaultAccessControl(coordinator: Coordinator, now: () => number): AccessControl {
  const config = configSchema.parse({});
  return new AccessControl({
    coordinator,
    hasher: pbkdf2Hasher(config.auth.passwordHashIterations),
    settings: accessSettingsFrom(config),
    now,
  });
}
