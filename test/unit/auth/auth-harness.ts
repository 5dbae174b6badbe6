/**
 * The HTTP app with access control on, over the route-test harness's real embedded adapters:
 * a root user, fast password hashing, and helpers to call as someone.
 */
import type { Hono } from 'hono';
import { newApp } from '../../../src/proxy/app.ts';
import { AccessControl, defaultAccessSettings, type AccessSettings } from '../../../src/proxy/auth/access-control.ts';
import { ensureRootUser } from '../../../src/proxy/auth/bootstrap.ts';
import { pbkdf2Hasher } from '../../../src/proxy/auth/password-hash.ts';
import { openHarness, type Answer, type Harness } from '../routes/management-harness.ts';

export const ROOT_PASSWORD = 'root-secret-1';

export interface AuthHarness {
  base: Harness;
  auth: AccessControl;
  /** POSTs to /v2/vectordb/<path> with an optional Authorization header. */
  call(path: string, body: unknown, authorization?: string, headers?: Record<string, string>): Promise<{ status: number; json: Answer }>;
  /** Same, as `Bearer user:password`. */
  as(user: string, password: string): (path: string, body: unknown) => Promise<{ status: number; json: Answer }>;
  close(): Promise<void>;
}

/** Builds the app with auth on (unless the settings say otherwise) and the root user created. */
export async function openAuthHarness(overrides: Partial<AccessSettings> = {}): Promise<AuthHarness> {
  const base = await openHarness();
  const settings: AccessSettings = { ...defaultAccessSettings(), authEnabled: true, cacheTtlMs: 60_000, ...overrides };
  const auth = new AccessControl({ coordinator: base.services.coordinator, hasher: pbkdf2Hasher(1000), settings, now: () => Date.now() });
  await ensureRootUser(auth, ROOT_PASSWORD, Date.now());
  auth.start();
  const app: Hono = newApp({ ...base.services, auth });
  const call: AuthHarness['call'] = async (path, body, authorization, headers = {}) => {
    const res = await app.request(`/v2/vectordb/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}), ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    try {
      return { status: res.status, json: JSON.parse(text) };
    } catch {
      return { status: res.status, json: text };
    }
  };
  return {
    base,
    auth,
    call,
    as: (user, password) => (path, body) => call(path, body, `Bearer ${user}:${password}`),
    async close() {
      auth.close();
      await base.close();
    },
  };
}
