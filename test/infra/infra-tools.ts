/**
 * The offline validators that scripts/validate-infra.sh installs under .cache/infra (helm,
 * kubeconform, check-jsonschema, hadolint, the schemas). Installing them takes minutes the first
 * time, so these tests form their own stage (`scripts/test.sh infra`), which runs the script
 * first; run alone without the tools, they fail and say how to install them.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const infraCache = process.env.QUIVER_INFRA_CACHE ?? join(repoRoot, '.cache/infra');
export const helmBin = join(infraCache, 'bin/helm');

const needed = ['bin/helm', 'bin/kubeconform', 'venv/bin/check-jsonschema', 'venv/bin/hadolint', 'compose-spec.json', 'k8s-schemas'];

/**
 * Always false (the tests' `skip` option: nothing is skipped). Throws, naming what is missing and
 * how to install it, when a tool is not cached.
 */
export function missingTools(): false {
  const missing = needed.filter((p) => !existsSync(join(infraCache, p)));
  if (missing.length === 0) return false;
  throw new Error(`not cached under ${infraCache}: ${missing.join(', ')} (run scripts/validate-infra.sh --only tools)`);
}

export interface RunResult {
  status: number | null;
  output: string;
}

/** Runs scripts/validate-infra.sh with these arguments; never throws on a non-zero exit. */
export function validateInfra(args: string[]): RunResult {
  const r = spawnSync('bash', [join(repoRoot, 'scripts/validate-infra.sh'), ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { ...process.env, QUIVER_INFRA_CACHE: infraCache },
    timeout: 300_000,
  });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

/** A scratch copy of repository paths (relative layout kept), to break without touching the tree. */
export function copyOfRepo(paths: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'quiver-infra-'));
  for (const p of paths) cpSync(join(repoRoot, p), join(dir, p), { recursive: true });
  return dir;
}
