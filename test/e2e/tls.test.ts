/**
 * HTTPS on the listener: a standalone server with server.tls set answers over TLS with the
 * configured certificate, refuses plain HTTP on the same port, and a half-configured or unreadable
 * TLS setting stops the process at start with an error naming the setting.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startQuiverProcess, type QuiverProcess } from '../helpers/quiver-process.ts';

/** POSTs `body` and resolves with the status and text; rejects on a transport error. */
function post(
  send: typeof httpRequest | typeof httpsRequest,
  url: string,
  body: unknown,
  extra: { ca?: Buffer } = {},
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = send(
      url,
      { method: 'POST', headers: { 'content-type': 'application/json' }, timeout: 10_000, ...extra },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

describe('TLS listener', () => {
  let dir: string;
  let cert: Buffer;
  let server: QuiverProcess;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'quiver-tls-'));
    // A self-signed certificate for 127.0.0.1, made by the system's openssl.
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    ], { stdio: 'ignore' });
    cert = await readFile(join(dir, 'cert.pem'));
    server = await startQuiverProcess({
      command: 'standalone',
      dataDir: join(dir, 'data'),
      env: { QUIVER_TLS_CERT_FILE: join(dir, 'cert.pem'), QUIVER_TLS_KEY_FILE: join(dir, 'key.pem') },
    });
  });

  after(async () => {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('announces an https URL and serves the API over TLS with the configured certificate', async () => {
    assert.match(server.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    const created = await post(httpsRequest, `${server.url}/v2/vectordb/collections/create`, { collectionName: 'tls_demo', dimension: 4 }, { ca: cert });
    assert.equal(created.status, 200);
    assert.equal(JSON.parse(created.text).code, 0);
    const has = await post(httpsRequest, `${server.url}/v2/vectordb/collections/has`, { collectionName: 'tls_demo' }, { ca: cert });
    assert.deepEqual(JSON.parse(has.text).data, { has: true });
  });

  it('rejects clients that do not trust the certificate', async () => {
    await assert.rejects(post(httpsRequest, `${server.url}/v2/vectordb/collections/list`, {}), /self[- ]signed|certificate/i);
  });

  it('does not answer plain HTTP on the TLS port', async () => {
    const plain = server.url.replace(/^https:/, 'http:');
    const outcome = await post(httpRequest, `${plain}/v2/vectordb/collections/list`, {}).then(
      (r) => `HTTP ${r.status}`,
      (err: Error) => `error: ${err.message}`,
    );
    // Node's TLS server drops a plaintext request (or answers 400): never an API answer.
    assert.ok(outcome.startsWith('error:') || outcome === 'HTTP 400', outcome);
  });

  it('stops at start, naming the setting, when only the certificate is configured', async () => {
    await assert.rejects(
      startQuiverProcess({ command: 'standalone', dataDir: join(dir, 'data-half'), env: { QUIVER_TLS_CERT_FILE: join(dir, 'cert.pem') } }),
      /server\.tls.*certFile and keyFile/s,
    );
  });

  it('stops at start, naming the setting, when a file is not PEM', async () => {
    await writeFile(join(dir, 'bad.pem'), 'not a certificate');
    await assert.rejects(
      startQuiverProcess({
        command: 'standalone',
        dataDir: join(dir, 'data-bad'),
        env: { QUIVER_TLS_CERT_FILE: join(dir, 'bad.pem'), QUIVER_TLS_KEY_FILE: join(dir, 'key.pem') },
      }),
      /server\.tls\.certFile: .*bad\.pem is not a PEM file/,
    );
  });
});
