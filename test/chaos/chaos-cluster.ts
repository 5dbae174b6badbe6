/**
 * The cluster under test: 2 proxies on fixed ports behind nginx and 2 indexers, on the chaos
 * run's own services. Kills, pauses and restarts its processes on request, and notices when one
 * dies without being asked to (a crash: recorded, then restarted so the run goes on). It also
 * tallies the indexers' log lines that show the fence and the coordinator restore at work, and
 * keeps every role's latest warnings and errors for the report of a failed run (the process logs
 * stay only on the machine that ran it; CI shows the report).
 */
import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startCluster, type Cluster } from '../helpers/cluster.ts';
import { freePort, startNginx, type Nginx } from '../helpers/nginx.ts';
import type { QuiverProcess } from '../helpers/quiver-process.ts';

export type Role = 'proxy' | 'indexer';

/** How many of the latest warning and error lines are kept, per role. */
const NOTABLE_KEPT = 40;

/** A process's warning or error line: when it was read (ms since the epoch) and a short form. */
export interface NotableLine {
  at: number;
  text: string;
}

export class ChaosCluster {
  /** Unexpected exits: "<role> <i>: exit <code/signal>" plus the end of its log. */
  readonly crashes: string[] = [];
  /** Log lines counted across all processes, by what they show. */
  readonly logCounts = { fenced: 0, restored: 0 };
  /** Per role, the latest warning and error lines of its processes, oldest first. */
  readonly notable: Record<Role, NotableLine[]> = { proxy: [], indexer: [] };
  private readonly expected = new Set<QuiverProcess>();
  private readonly paused = new Set<number>();
  private started = 0;

  private constructor(
    private readonly cluster: Cluster,
    readonly nginx: Nginx,
    private readonly ports: number[],
    private readonly logDir: string,
  ) {
    rmSync(logDir, { recursive: true, force: true });
    mkdirSync(logDir, { recursive: true });
  }

  /** Starts the processes; every process's log is also written to `logDir` (kept after the run). */
  static async start(env: Record<string, string>, logDir: string): Promise<ChaosCluster> {
    const ports = [await freePort(), await freePort()];
    const cluster = await startCluster(env, 0, 0);
    let nginx: Nginx | undefined;
    try {
      await Promise.all(ports.map((port, i) => cluster.startProxy(i, port)));
      await Promise.all([0, 1].map((i) => cluster.startIndexer(i)));
      nginx = await startNginx(ports.map((p) => `127.0.0.1:${p}`));
    } catch (err) {
      await cluster.close();
      throw err;
    }
    const c = new ChaosCluster(cluster, nginx, ports, logDir);
    cluster.proxies.forEach((p, i) => c.watch(p, 'proxy', i));
    cluster.indexers.forEach((p, i) => c.watch(p!, 'indexer', i));
    return c;
  }

  get url(): string {
    return this.nginx.url;
  }

  /** SIGKILL; resolves once the process is gone. */
  async kill(role: Role, i: number): Promise<void> {
    const p = this.proc(role, i);
    this.expected.add(p);
    if (role === 'indexer' && this.paused.has(i)) this.resume(i);
    await p.kill();
  }

  async restart(role: Role, i: number): Promise<void> {
    const p = role === 'proxy' ? await this.cluster.startProxy(i, this.ports[i]) : await this.cluster.startIndexer(i);
    this.watch(p, role, i);
  }

  /** SIGSTOP an indexer: it holds its shards, silent, until resumed. */
  pause(i: number): void {
    this.paused.add(i);
    this.proc('indexer', i).child.kill('SIGSTOP');
  }

  resume(i: number): void {
    this.paused.delete(i);
    this.proc('indexer', i).child.kill('SIGCONT');
  }

  async close(): Promise<void> {
    for (const i of [...this.paused]) this.resume(i);
    for (const p of [...this.cluster.proxies, ...this.cluster.indexers]) if (p) this.expected.add(p);
    await this.nginx.stop();
    await this.cluster.close();
  }

  private proc(role: Role, i: number): QuiverProcess {
    const p = role === 'proxy' ? this.cluster.proxies[i] : this.cluster.indexers[i];
    if (!p) throw new Error(`${role} ${i} is not running`);
    return p;
  }

  /** Keeps a warn/error JSON log line, without the fields every line has. */
  private keepNotable(line: string, role: Role, i: number): void {
    if (!line.startsWith('{')) return;
    let fields: Record<string, unknown>;
    try {
      fields = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return;
    }
    if (fields.level !== 'warn' && fields.level !== 'error') return;
    const { level, msg, time: _time, component: _component, ...rest } = fields;
    const extra = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : '';
    const kept = this.notable[role];
    kept.push({ at: Date.now(), text: `${role} ${i} ${String(level)}: ${String(msg)}${extra}`.slice(0, 300) });
    if (kept.length > NOTABLE_KEPT) kept.shift();
  }

  private watch(p: QuiverProcess, role: Role, i: number): void {
    let partial = '';
    const file = createWriteStream(join(this.logDir, `${String(++this.started).padStart(2, '0')}-${role}-${i}.log`));
    p.child.once('exit', () => file.end());
    p.child.stderr!.on('data', (b: Buffer) => {
      file.write(b);
      const lines = (partial + b.toString()).split('\n');
      partial = lines.pop()!;
      for (const line of lines) {
        if (line.includes('shard fenced')) this.logCounts.fenced++;
        if (line.includes('restored from object-store backups')) this.logCounts.restored++;
        this.keepNotable(line, role, i);
      }
    });
    p.child.once('exit', (code, signal) => {
      if (this.expected.has(p)) return;
      this.crashes.push(`${role} ${i}: exited (${code ?? signal}) without being stopped:\n${p.logs().slice(-3000)}`);
      // Restart it so the run goes on; the crash itself already fails the run.
      setTimeout(() => void this.restart(role, i).catch((err) => this.crashes.push(`${role} ${i}: restart after crash failed: ${String(err)}`)), 1000);
    });
  }
}
