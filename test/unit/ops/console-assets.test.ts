/**
 * Serving the web console: the page (with its import map) at /console and /console/, every
 * listed file from the Node asset reader (quiver's modules and the vendor modules from their
 * packages), 404 for anything not listed (no path tricks), and the static-assets reader used
 * on Workers.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Hono } from 'hono';
import { CONSOLE_FILES, IMPORT_MAP, fetcherConsoleAssets } from '../../../src/proxy/console/assets.ts';
import { mountConsole } from '../../../src/proxy/console/mount.ts';
import { nodeConsoleAssets } from '../../../src/proxy/node/console-assets.ts';

function consoleApp(): Hono {
  const app = new Hono();
  mountConsole(app, nodeConsoleAssets());
  return app;
}

describe('console assets', () => {
  it('serves the page with the import map at /console and /console/', async () => {
    const app = consoleApp();
    for (const path of ['/console', '/console/']) {
      const res = await app.request(path);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
      const page = await res.text();
      assert.ok(page.includes(JSON.stringify(IMPORT_MAP)), 'import map inlined');
      assert.match(page, /<script type="module" src="\/console\/app\.js">/);
    }
  });

  it('serves every listed file from disk with its content type', async () => {
    const app = consoleApp();
    for (const name of CONSOLE_FILES) {
      const res = await app.request(`/console/${name}`);
      assert.equal(res.status, 200, name);
      const body = await res.text();
      assert.ok(body.length > 100, `${name} has content`);
      assert.match(res.headers.get('content-type') ?? '', name.endsWith('.css') ? /^text\/css/ : /^text\/javascript/);
    }
    // The vendor files are the packages' ES modules, importable by the browser as they are.
    assert.match(await (await app.request('/console/vendor/hooks.mjs')).text(), /from\s*"preact"/);
  });

  it('answers 404 for anything not listed', async () => {
    const app = consoleApp();
    for (const path of ['/console/nope.js', '/console/../package.json', '/console/%2e%2e/package.json', '/console/web/app.js', '/console/assets.ts']) {
      assert.equal((await app.request(path)).status, 404, path);
    }
  });

  it('reads files from a static-assets binding on Workers', async () => {
    const seen: string[] = [];
    const assets = fetcherConsoleAssets({
      async fetch(req) {
        seen.push(new URL(req.url).pathname);
        return new URL(req.url).pathname === '/console/style.css' ? new Response('body { margin: 0 }') : new Response('', { status: 404 });
      },
    });
    assert.deepEqual(await assets.get('style.css'), { body: 'body { margin: 0 }', contentType: 'text/css; charset=utf-8' });
    assert.equal(await assets.get('app.js'), null);
    assert.deepEqual(seen, ['/console/style.css', '/console/app.js']);
  });
});
