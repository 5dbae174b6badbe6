/**
 * Security configuration: the auth and limits sections (defaults, QUIVER_* variables, secrets
 * kept as text), and the logger's redaction of credential-named fields.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { accessSettingsFrom } from '../../../src/proxy/auth/access-control.ts';
import { ConfigError, loadConfig } from '../../../src/shared/config/load.ts';
import { jsonLogger, redactSecrets } from '../../../src/shared/logger.ts';

const load = (env: Record<string, string>) => loadConfig({ env, file: undefined, overrides: {} });

describe('auth and limits configuration', () => {
  it('is off by default with sane limits', () => {
    const c = loadConfig({ env: {}, file: undefined });
    assert.equal(c.auth.enabled, false);
    assert.equal(c.auth.rootPassword, undefined);
    assert.equal(c.limits.rateLimit.enabled, false);
    assert.equal(c.limits.maxRowsPerRequest, 10_000);
    assert.equal(c.limits.maxJsonDepth, 64);
    const s = accessSettingsFrom(c);
    assert.equal(s.authEnabled, false);
    assert.equal(s.rateLimit, null);
  });
  it('reads QUIVER_* variables, keeping secrets as text', () => {
    const c = load({
      QUIVER_AUTH_ENABLED: 'true',
      QUIVER_AUTH_ROOT_PASSWORD: '123456',
      QUIVER_LOG_KIND: 'kafka',
      QUIVER_KAFKA_BROKERS: 'localhost:9092',
      QUIVER_KAFKA_PASSWORD: 'true',
      QUIVER_RATE_LIMIT_ENABLED: 'true',
      QUIVER_RATE_LIMIT_RPS: '5',
      QUIVER_RATE_LIMIT_BURST: '7',
      QUIVER_MAX_ROWS_PER_REQUEST: '500',
      QUIVER_MAX_FILTER_LENGTH: '4096',
      QUIVER_AUTH_PASSWORD_HASH_ITERATIONS: '20000',
    });
    assert.equal(c.auth.enabled, true);
    assert.equal(c.auth.rootPassword, '123456');
    assert.equal(c.log.kind === 'kafka' && c.log.security.password, 'true');
    assert.deepEqual(c.limits.rateLimit, { enabled: true, requestsPerSecond: 5, burst: 7 });
    assert.equal(c.limits.maxRowsPerRequest, 500);
    assert.equal(c.limits.maxFilterLength, 4096);
    assert.equal(c.auth.passwordHashIterations, 20_000);
    assert.deepEqual(accessSettingsFrom(c).rateLimit, { requestsPerSecond: 5, burst: 7 });
  });
  it('names the key, never the value, of a bad secret', () => {
    let err: unknown;
    try {
      load({ QUIVER_AUTH_ROOT_PASSWORD: 'abc' });
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof ConfigError);
    assert.match(err.message, /auth\.rootPassword/);
    assert.ok(!err.message.includes('abc'));
  });
});

describe('log redaction', () => {
  it('replaces credential-named fields at any depth', () => {
    assert.deepEqual(redactSecrets({ user: 'a', password: 'p', nested: { secretAccessKey: 's', list: [{ authorization: 'Bearer x' }] } }), {
      user: 'a', password: '[redacted]', nested: { secretAccessKey: '[redacted]', list: [{ authorization: '[redacted]' }] },
    });
  });
  it('applies to every logged line', () => {
    const lines: string[] = [];
    jsonLogger('test', (l) => lines.push(l)).warn('x', { apiKey: 'qv_abc', sasl: { password: 'hunter2' }, port: 1 });
    assert.ok(!lines[0].includes('qv_abc') && !lines[0].includes('hunter2'));
    assert.equal(JSON.parse(lines[0]).port, 1);
  });
});
