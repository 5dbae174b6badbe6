/**
 * The files of the web console and where they come from. The console is plain ES modules (no
 * build step): quiver's own modules and stylesheet under `web/`, plus three vendor modules
 * (preact, preact/hooks, htm) taken verbatim from their npm packages. How the bytes are read is
 * the runtime's business (`ConsoleAssets`): on Node, src/proxy/node/console-assets.ts reads the
 * files from disk; on Workers, `fetcherConsoleAssets` reads them from a static-assets binding.
 */

/** One file the console serves. */
export interface ConsoleAsset {
  body: string;
  /** Full Content-Type header value. */
  contentType: string;
}

/** Reads a console file by its name in CONSOLE_FILES; null when it is not available. */
export interface ConsoleAssets {
  get(name: string): Promise<ConsoleAsset | null>;
}

/** quiver's own console files, relative to src/proxy/console/web/. */
export const CONSOLE_WEB_FILES = [
  'app.js',
  'api.js',
  'format.js',
  'components.js',
  'pages/collections.js',
  'pages/collection.js',
  'pages/processes.js',
  'pages/search.js',
  'style.css',
] as const;

/** Vendor modules by their served name, with the npm package file they are copied from. */
export const CONSOLE_VENDOR_FILES = {
  'vendor/preact.mjs': { packageName: 'preact', file: 'dist/preact.mjs' },
  'vendor/hooks.mjs': { packageName: 'preact', file: 'hooks/dist/hooks.mjs' },
  'vendor/htm.mjs': { packageName: 'htm', file: 'dist/htm.mjs' },
} as const;

/** Every name a ConsoleAssets is asked for; anything else is a 404 without a lookup. */
export const CONSOLE_FILES: readonly string[] = [...CONSOLE_WEB_FILES, ...Object.keys(CONSOLE_VENDOR_FILES)];

/** How the browser resolves the vendor modules' bare specifiers (`import ... from "preact"`). */
export const IMPORT_MAP = {
  imports: {
    preact: '/console/vendor/preact.mjs',
    'preact/hooks': '/console/vendor/hooks.mjs',
    htm: '/console/vendor/htm.mjs',
  },
};

/** Content-Type of a console file by its extension. */
export function contentTypeOf(name: string): string {
  if (name.endsWith('.css')) return 'text/css; charset=utf-8';
  if (name.endsWith('.html')) return 'text/html; charset=utf-8';
  return 'text/javascript; charset=utf-8';
}

/** A binding that serves files by URL path, like Workers' static assets (`env.ASSETS`). */
export interface AssetFetcher {
  fetch(request: Request): Promise<Response>;
}

/**
 * Console files from a static-assets binding laid out as `/console/<name>` (web files copied
 * from src/proxy/console/web/, vendor files from the packages, see CONSOLE_VENDOR_FILES).
 * A missing file or a failed fetch is null (the console answers 404).
 */
export function fetcherConsoleAssets(fetcher: AssetFetcher, origin = 'https://assets.invalid'): ConsoleAssets {
  return {
    async get(name) {
      try {
        const res = await fetcher.fetch(new Request(`${origin}/console/${name}`));
        if (!res.ok) return null;
        return { body: await res.text(), contentType: contentTypeOf(name) };
      } catch {
        return null;
      }
    },
  };
}
