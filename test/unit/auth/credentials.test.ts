/**
 * The building blocks of authentication: reading the Authorization header, password hashes,
 * API keys and the constant-time comparison.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { apiKeyMatches, generateApiKey, parseApiKey } from '../../../src/proxy/auth/api-keys.ts';
import { parseAuthorization } from '../../../src/proxy/auth/credentials.ts';
import { timingSafeEqual, utf8 } from '../../../src/proxy/auth/crypto-utils.ts';
import { pbkdf2Hasher } from '../../../src/proxy/auth/password-hash.ts';

const basic = (text: string) => `Basic ${Buffer.from(text, 'utf8').toString('base64')}`;

describe('Authorization header', () => {
  it('reads Bearer user:password, splitting at the first colon', () => {
    assert.deepEqual(parseAuthorization('Bearer alice:s3cret'), { kind: 'password', user: 'alice', password: 's3cret' });
    assert.deepEqual(parseAuthorization('bearer bob:a:b:c'), { kind: 'password', user: 'bob', password: 'a:b:c' });
    assert.deepEqual(parseAuthorization('Bearer carol:'), { kind: 'password', user: 'carol', password: '' });
  });
  it('reads a Bearer token without a colon as an API key', () => {
    assert.deepEqual(parseAuthorization('Bearer qv_0123456789abcdef_x'), { kind: 'apiKey', key: 'qv_0123456789abcdef_x' });
  });
  it('reads HTTP Basic, including non-ASCII passwords', () => {
    assert.deepEqual(parseAuthorization(basic('alice:pässwörd:1')), { kind: 'password', user: 'alice', password: 'pässwörd:1' });
  });
  it('rejects absent, empty, unknown-scheme and malformed values', () => {
    for (const h of [undefined, '', 'Bearer', 'Bearer ', 'Token abc', 'Bearer :nopass', basic('nocolon'), 'Basic !!!notbase64', 'alice:pw']) {
      assert.equal(parseAuthorization(h), null, String(h));
    }
  });
});

describe('password hashes', () => {
  const hasher = pbkdf2Hasher(1000);
  it('verifies the right password only, with a fresh salt per hash', async () => {
    const a = await hasher.hash('correct horse');
    const b = await hasher.hash('correct horse');
    assert.notEqual(a, b);
    assert.match(a, /^pbkdf2-sha256\$1000\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    assert.equal(await hasher.verify('correct horse', a), true);
    assert.equal(await hasher.verify('correct horse!', a), false);
    assert.equal(await hasher.verify('', a), false);
    assert.ok(!a.includes('correct'));
  });
  it('verifies with the parameters stored in the hash, not the current ones', async () => {
    const old = await pbkdf2Hasher(2000).hash('pw123456');
    assert.equal(await hasher.verify('pw123456', old), true);
  });
  it('answers false, never throws, for malformed stored values', async () => {
    for (const stored of ['', 'plain', 'pbkdf2-sha256$x$y$z', 'md5$1$aa$bb', 'pbkdf2-sha256$99999999999$AA==$AA==']) {
      assert.equal(await hasher.verify('pw', stored), false, stored);
    }
  });
});

describe('API keys', () => {
  it('round-trips: generated text parses and matches its stored hash only', async () => {
    const k = await generateApiKey();
    assert.match(k.text, /^qv_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    assert.ok(!k.text.includes(':'), 'a key must not look like user:password');
    const parsed = parseApiKey(k.text);
    assert.ok(parsed);
    assert.equal(parsed.id, k.id);
    assert.ok(!k.secretHash.includes(parsed.secret));
    assert.equal(await apiKeyMatches(parsed.secret, k.secretHash), true);
    const other = await generateApiKey();
    assert.equal(await apiKeyMatches(parseApiKey(other.text)!.secret, k.secretHash), false);
  });
  it('rejects text without the key shape', () => {
    for (const t of ['', 'qv_', 'qv_0123_abc', 'root:Milvus', `qv_${'g'.repeat(16)}_${'a'.repeat(43)}`]) assert.equal(parseApiKey(t), null, t);
  });
});

describe('constant-time comparison', () => {
  it('compares whole arrays', () => {
    assert.equal(timingSafeEqual(utf8('abc'), utf8('abc')), true);
    assert.equal(timingSafeEqual(utf8('abc'), utf8('abd')), false);
    assert.equal(timingSafeEqual(utf8('abc'), utf8('ab')), false);
    assert.equal(timingSafeEqual(new Uint8Array(0), new Uint8Array(0)), true);
  });
});
