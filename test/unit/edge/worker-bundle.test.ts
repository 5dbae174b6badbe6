/**
 * The Worker bundles: `wrangler deploy --dry-run` builds src/proxy/edge/entry-worker.ts for
 * workerd (no Cloudflare account, no network) without nodejs_compat, and the bundle imports no
 * Node built-in and carries none of the node-only packages.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, describe, it } from 'node:test';

const ROOT = join(import.meta.dirname, '..', '..', '..');

describe('edge Worker bundle', () => {
  let out: string | undefined;
  after(async () => {
    if (out) await rm(out, { recursive: true, force: true });
  });

  it('builds with wrangler and contains nothing node-only', { timeout: 180_000 }, async () => {
    out = await mkdtemp(join(tmpdir(), 'quiver-edge-bundle-'));
    const { stdout, stderr } = await promisify(execFile)(
      join(ROOT, 'node_modules', '.bin', 'wrangler'),
      ['deploy', '--dry-run', '--outdir', join(out, 'dist')],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          WRANGLER_SEND_METRICS: 'false',
          CLOUDFLARE_API_TOKEN: 'local-only',
          CLOUDFLARE_ACCOUNT_ID: 'local-only',
          XDG_CONFIG_HOME: join(out, 'config'),
          WRANGLER_LOG_PATH: join(out, 'logs'),
        },
      },
    );
    assert.match(stdout + stderr, /--dry-run: exiting now/);
    const files = await readdir(join(out, 'dist'));
    const bundle = files.find((f) => f.endsWith('.js'));
    assert.ok(bundle, `a JavaScript bundle in ${files.join(', ')}`);
    const code = await readFile(join(out, 'dist', bundle), 'utf8');
    assert.ok(code.includes('Strimzi') || code.includes('vnd.kafka.binary.v2+json'), 'the bridge adapter is in the bundle');
    assert.doesNotMatch(code, /(from|import|require\()\s*\(?["']node:/, 'no Node built-in is imported');
    for (const pkg of ['node_modules/usearch', 'node_modules/lmdb', 'node_modules/@confluentinc', 'node_modules/ioredis', 'node_modules/@aws-sdk', 'node_modules/@hono/node-server']) {
      assert.ok(!code.includes(`// ${pkg}/`), `${pkg} is not bundled`);
    }
  });
});
