/**
 * nginx as a load balancer in front of quiver proxies, for failover tests. Renders the example
 * config infra/nginx/quiver.conf with a free loopback port and the given upstreams, and runs
 * nginx in the foreground as a child process with every path (config, pid, logs, temp files) in
 * its own temp directory: no system service, nothing written outside that directory. When the
 * test runs as root, nginx is started as `nobody` so it still runs unprivileged.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chown, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');
/** The documented example; see its header for the lines this helper rewrites. */
export const EXAMPLE_CONFIG = join(ROOT, 'infra', 'nginx', 'quiver.conf');
/** uid/gid of `nobody`/`nogroup` on Debian, used only when the test runs as root. */
const NOBODY = 65534;

export interface Nginx {
  /** Base URL of the balancer, e.g. http://127.0.0.1:41234. */
  url: string;
  dir: string;
  /** nginx's error log: failed and retried upstream attempts are logged here. */
  errorLog: string;
  child: ChildProcess;
  /** nginx's stderr plus the tail of its error log, for failure messages. */
  logs(): Promise<string>;
  /** Graceful stop (SIGQUIT), SIGKILL after 5 s; removes the temp directory. */
  stop(): Promise<void>;
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * The example config with its `listen` line set to 127.0.0.1:listenPort and its upstream's
 * `server` lines replaced by one per upstream, keeping the parameters of the first one.
 */
export function renderConfig(template: string, listenPort: number, upstreams: string[]): string {
  const listen = /^(\s*)listen\s+127\.0\.0\.1:\d+;$/m;
  const server = /^(\s*)server\s+127\.0\.0\.1:\d+((?:\s+[^;\s]+)*);\n/gm;
  const first = server.exec(template);
  if (!listen.test(template) || !first) throw new Error(`${EXAMPLE_CONFIG}: no 'listen 127.0.0.1:N;' or upstream 'server 127.0.0.1:N ...;' line`);
  const [, indent, params] = first;
  const servers = upstreams.map((u) => `${indent}server ${u}${params};\n`).join('');
  let placed = false;
  return template
    .replace(listen, (_, ind: string) => `${ind}listen 127.0.0.1:${listenPort};`)
    .replace(server, () => (placed ? '' : ((placed = true), servers)));
}

async function connects(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** Starts nginx balancing over `upstreams` (host:port) and resolves once it accepts connections. */
export async function startNginx(upstreams: string[], timeoutMs = 15_000): Promise<Nginx> {
  const dir = await mkdtemp(join(tmpdir(), 'quiver-nginx-'));
  const port = await freePort();
  const conf = join(dir, 'nginx.conf');
  await mkdir(join(dir, 'tmp'));
  await writeFile(conf, renderConfig(await readFile(EXAMPLE_CONFIG, 'utf8'), port, upstreams));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) for (const p of [dir, join(dir, 'tmp'), conf]) await chown(p, NOBODY, NOBODY);
  const child = spawn('nginx', ['-p', dir, '-c', conf, '-e', join(dir, 'error.log')], {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'pipe'],
    ...(asRoot ? { uid: NOBODY, gid: NOBODY } : {}),
  });
  let stderr = '';
  child.stderr!.on('data', (b: Buffer) => {
    stderr = (stderr + b.toString()).slice(-20_000);
  });
  const logs = async () => `${stderr}${await readFile(join(dir, 'error.log'), 'utf8').catch(() => '')}`.slice(-20_000);
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGQUIT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };
  const spawnError = once(child, 'error').then(([err]) => err as Error);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await connects(port)) break;
    const failure =
      child.exitCode !== null || child.signalCode !== null
        ? `nginx exited (${child.exitCode ?? child.signalCode})`
        : Date.now() > deadline
          ? `nginx did not listen on ${port} within ${timeoutMs} ms`
          : await Promise.race([spawnError.then((e) => `nginx could not start: ${e.message}`), new Promise<null>((r) => setTimeout(() => r(null), 100))]);
    if (failure) {
      const text = await logs();
      await stop();
      throw new Error(`${failure} (is the Debian package nginx installed? scripts/install.sh installs it)\n${text}`);
    }
  }
  return { url: `http://127.0.0.1:${port}`, dir, errorLog: join(dir, 'error.log'), child, logs, stop };
}
