/**
 * The web console's files on Node: quiver's own from src/proxy/console/web/, the vendor modules
 * from their installed npm packages (resolved like an import, so any node_modules layout works).
 * Files are read once and kept for the life of the returned object.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONSOLE_VENDOR_FILES, CONSOLE_WEB_FILES, contentTypeOf, type ConsoleAsset, type ConsoleAssets } from '../console/assets.ts';

/** Folder of an installed package: the parent of the folder holding its resolved entry file. */
function packageDir(packageName: string): string {
  const require = createRequire(import.meta.url);
  let dir = dirname(require.resolve(packageName));
  while (!dir.endsWith(`node_modules/${packageName}`) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

/** ConsoleAssets reading from disk. A file that cannot be read answers null (HTTP 404). */
export function nodeConsoleAssets(): ConsoleAssets {
  const webDir = fileURLToPath(new URL('../console/web/', import.meta.url));
  const paths = new Map<string, string>();
  for (const name of CONSOLE_WEB_FILES) paths.set(name, join(webDir, name));
  for (const [name, source] of Object.entries(CONSOLE_VENDOR_FILES)) {
    paths.set(name, join(packageDir(source.packageName), source.file));
  }
  const cache = new Map<string, Promise<ConsoleAsset | null>>();
  return {
    get(name) {
      const path = paths.get(name);
      if (path === undefined) return Promise.resolve(null);
      let hit = cache.get(name);
      if (!hit) {
        hit = readFile(path, 'utf8').then(
          (body) => ({ body, contentType: contentTypeOf(name) }),
          () => {
            cache.delete(name); // a file restored later is served then
            return null;
          },
        );
        cache.set(name, hit);
      }
      return hit;
    },
  };
}
