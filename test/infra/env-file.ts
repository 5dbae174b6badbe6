/**
 * Reads the env files of the compose stack (infra/compose/*.env*) the way docker compose does for
 * the plain `KEY=value` lines they use: one variable per line, `#` comments, no interpolation.
 * Throws on a line that is neither, so a typo in an env file fails the tests that read it.
 */
import { readFileSync } from 'node:fs';

/** Variables of one env file, in file order; later lines win, as in compose. */
export function readEnvFile(path: string): Record<string, string> {
  const out: Record<string, string> = {};
  readFileSync(path, 'utf8')
    .split('\n')
    .forEach((raw, index) => {
      const line = raw.trim();
      if (line === '' || line.startsWith('#')) return;
      const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
      if (!match) throw new Error(`${path}:${index + 1}: not KEY=value: ${raw}`);
      out[match[1]] = match[2];
    });
  return out;
}

/** A compose `env_file` entry: a path, or `{path, required}`. */
export type EnvFileEntry = string | { path: string; required?: boolean };

/** Merges a service's env files (missing optional ones skipped) as compose does: later files win. */
export function serviceEnv(dir: string, entries: EnvFileEntry[], exists: (path: string) => boolean): Record<string, string> {
  const env: Record<string, string> = {};
  for (const entry of entries) {
    const { path, required = true } = typeof entry === 'string' ? { path: entry } : entry;
    const full = `${dir}/${path}`;
    if (!required && !exists(full)) continue;
    Object.assign(env, readEnvFile(full));
  }
  return env;
}
