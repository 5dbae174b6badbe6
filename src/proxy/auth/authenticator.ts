/**
 * Credentials → principal. Passwords are checked against their PBKDF2 hash; since that costs
 * hundreds of milliseconds by design, a successful check is remembered for the same user,
 * password and stored hash (keyed by an HMAC under a random per-process key, so the memory holds
 * no password and no fast hash an attacker could invert offline). Changing the password changes
 * the stored hash and so ends the remembered check. Every failure is the same 401, and an
 * unknown user costs the same hashing as a wrong password, so answers do not reveal which users
 * exist.
 */
import type { AuthSnapshot, UserRecord } from '../../shared/catalog/auth-records.ts';
import { ADMIN_ROLE, PUBLIC_ROLE, ROOT_USER } from '../../shared/catalog/auth-records.ts';
import { apiKeyMatches, parseApiKey } from './api-keys.ts';
import { parseAuthorization } from './credentials.ts';
import { randomBytes, toBase64, utf8 } from './crypto-utils.ts';
import type { PasswordHasher } from './password-hash.ts';
import { notAuthenticated, type Principal } from './principal.ts';

/** A Web Crypto key (named through the API, as the lib typings here do not declare the global type). */
type SecretKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;

/** Most remembered password checks; the oldest is forgotten first. */
const MAX_REMEMBERED = 10_000;

export interface AuthenticatorOptions {
  hasher: PasswordHasher;
  /** The current users, roles and keys. */
  snapshot(): Promise<AuthSnapshot>;
}

/** The principal of a signed-in user (or of a key acting as that user). */
export function principalOf(user: UserRecord, via?: { keyId: string }): Principal {
  const roles = user.roles.includes(PUBLIC_ROLE) ? user.roles : [...user.roles, PUBLIC_ROLE];
  return {
    kind: via ? 'apiKey' : 'user',
    name: user.name,
    keyId: via?.keyId,
    superuser: user.name === ROOT_USER || user.roles.includes(ADMIN_ROLE),
    roles,
  };
}

export class Authenticator {
  /** HMAC of (user, password) → the stored hash it was verified against. */
  private readonly remembered = new Map<string, string>();
  private readonly inFlight = new Map<string, Promise<boolean>>();
  private hmacKey: Promise<SecretKey> | null = null;
  private dummyHash: Promise<string> | null = null;

  constructor(private readonly o: AuthenticatorOptions) {}

  /** The principal for an Authorization header value; HTTP 401 (code 1800) for anything else. */
  async authenticate(header: string | undefined): Promise<Principal> {
    const creds = parseAuthorization(header);
    if (!creds) throw notAuthenticated();
    const snapshot = await this.o.snapshot();
    if (creds.kind === 'apiKey') {
      const parsed = parseApiKey(creds.key);
      const record = parsed ? snapshot.apiKeys.get(parsed.id) : undefined;
      if (!parsed || !record || !(await apiKeyMatches(parsed.secret, record.secretHash))) throw notAuthenticated();
      const owner = snapshot.users.get(record.userName);
      if (!owner) throw notAuthenticated();
      return principalOf(owner, { keyId: record.id });
    }
    const user = snapshot.users.get(creds.user);
    if (!user) {
      // Same work as a wrong password, so timing does not tell which user names exist.
      await this.o.hasher.verify(creds.password, await this.dummy());
      throw notAuthenticated();
    }
    if (!(await this.passwordMatches(user, creds.password))) throw notAuthenticated();
    return principalOf(user);
  }

  /** Forgets every remembered check (e.g. in tests, or after a bulk change). */
  forget(): void {
    this.remembered.clear();
  }

  private async passwordMatches(user: UserRecord, password: string): Promise<boolean> {
    const id = await this.checkId(user.name, password);
    if (this.remembered.get(id) === user.passwordHash) return true;
    const flightKey = `${id}\u0000${user.passwordHash}`;
    let check = this.inFlight.get(flightKey);
    if (!check) {
      check = this.o.hasher.verify(password, user.passwordHash);
      this.inFlight.set(flightKey, check);
      void check.finally(() => this.inFlight.delete(flightKey)).catch(() => undefined);
    }
    const ok = await check;
    if (ok) this.remember(id, user.passwordHash);
    return ok;
  }

  private remember(id: string, hash: string): void {
    this.remembered.delete(id);
    this.remembered.set(id, hash);
    if (this.remembered.size > MAX_REMEMBERED) this.remembered.delete(this.remembered.keys().next().value as string);
  }

  private async checkId(user: string, password: string): Promise<string> {
    this.hmacKey ??= crypto.subtle.importKey('raw', randomBytes(32), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    const mac = await crypto.subtle.sign('HMAC', await this.hmacKey, utf8(`${user}\u0000${password}`));
    return toBase64(new Uint8Array(mac));
  }

  private dummy(): Promise<string> {
    this.dummyHash ??= this.o.hasher.hash('quiver: no such user');
    return this.dummyHash;
  }
}
