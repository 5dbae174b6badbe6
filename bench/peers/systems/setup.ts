/**
 * Makes the selected systems ready: installs the Python peers (each on its own, so one failure
 * leaves the others) and starts each once to check that it imports. Every system that cannot be
 * made ready is returned with the reason, for the report.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO_ROOT } from '../../measure.ts';
import type { PeersParams, SystemName } from '../params.ts';
import { pythonEnvs, type InstallOutcome, type PythonUnit } from '../python-env.ts';
import { startPythonPeer, type PythonPeerName } from './python-peer.ts';
import { quiverSystem } from './quiver.ts';
import type { BenchSystem } from './system.ts';
import { usearchRawSystem } from './usearch-raw.ts';

/** A system that could not be made ready, and why. */
export interface Unavailable {
  system: SystemName;
  reason: string;
}

/** What setup produced. */
export interface SystemsSetup {
  systems: BenchSystem[];
  unavailable: Unavailable[];
  installs: InstallOutcome[];
  /** The peers' Python (for the chart renderer), or null when the environment failed. */
  python: string | null;
  /** Whether matplotlib is installed in it. */
  charts: boolean;
}

const PYTHON_PEERS: Record<string, PythonPeerName> = { faiss: 'faiss', chroma: 'chroma', lancedb: 'lancedb', 'milvus-lite': 'milvus-lite' };

async function quiverVersion(): Promise<string> {
  const pkg = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as { version?: string };
  return pkg.version ?? '?';
}

/** Installs and starts the selected systems, in the order of p.systems. */
export async function setupSystems(p: PeersParams, log: (s: string) => void): Promise<SystemsSetup> {
  const out: SystemsSetup = { systems: [], unavailable: [], installs: [], python: null, charts: false };
  const env = pythonEnvs(p.cacheDir).peers;
  let baseReady = false;
  try {
    await env.create();
    const base = await env.ensure('base', log);
    out.installs.push(base);
    baseReady = base.ok;
    out.python = env.python;
    out.charts = base.ok;
  } catch (err) {
    log(`python: ${(err as Error).message}`);
  }
  for (const name of p.systems) {
    if (name === 'quiver-http') {
      out.systems.push(quiverSystem(p, await quiverVersion(), log));
      continue;
    }
    if (name === 'usearch-raw') {
      out.systems.push(usearchRawSystem(p));
      continue;
    }
    const peer = PYTHON_PEERS[name];
    if (!baseReady) {
      out.unavailable.push({ system: name, reason: 'the Python environment for the peers could not be set up (see the log)' });
      continue;
    }
    const install = await env.ensure(name as PythonUnit, log);
    out.installs.push(install);
    if (!install.ok) {
      out.unavailable.push({ system: name, reason: `pip install failed: ${install.error ?? 'unknown error'}` });
      continue;
    }
    try {
      const sys = await startPythonPeer(env.python, peer, p);
      log(`${name}: ready (${sys.version})`);
      out.systems.push(sys);
    } catch (err) {
      const reason = `installed but does not start: ${(err as Error).message}`;
      log(`${name}: ${reason}`);
      out.unavailable.push({ system: name, reason });
    }
  }
  return out;
}
