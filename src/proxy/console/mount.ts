/**
 * Serves the web console under /console: the HTML page at /console and /console/, the modules,
 * stylesheet and vendor modules at /console/<name>. Runtime-agnostic: the files come from an
 * injected ConsoleAssets (assets.ts). The console itself is public (it holds no data); every
 * call it makes goes through the API's own authentication.
 */
import type { Hono } from 'hono';
import { CONSOLE_FILES, type ConsoleAssets } from './assets.ts';
import { consolePage } from './page.ts';

export const CONSOLE_PATH = '/console';

/** Adds the console routes to `app`. */
export function mountConsole(app: Hono, assets: ConsoleAssets): void {
  const files = new Set(CONSOLE_FILES);
  const page = consolePage();
  const servePage = () =>
    new Response(page, { headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' } });
  app.get(CONSOLE_PATH, servePage);
  app.get(`${CONSOLE_PATH}/`, servePage);
  app.get(`${CONSOLE_PATH}/*`, async (c) => {
    const name = c.req.path.slice(CONSOLE_PATH.length + 1);
    const asset = files.has(name) ? await assets.get(name) : null;
    if (!asset) return c.text('404 page not found', 404);
    // Revalidate on every load: the files change with the server's version, not their names.
    return new Response(asset.body, { headers: { 'content-type': asset.contentType, 'cache-control': 'no-cache' } });
  });
}
