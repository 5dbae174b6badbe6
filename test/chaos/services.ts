/**
 * The chaos run's own Kafka, S3 server and Redis: a separate instance of infra/local/services.sh
 * (its own state directory and ports), because the run restarts and stops them and must not
 * disturb the shared services other test runs use. Stopped and wiped at the end.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');
const SCRIPT = join(ROOT, 'infra', 'local', 'services.sh');

export type ServiceName = 'kafka' | 's3' | 'redis';

export interface ChaosServicesOptions {
  /** State directory (absolute); default <repo>/.quiver/chaos (git-ignored with .quiver/). */
  dir?: string;
  /** Kafka, Kafka controller, S3 and Redis ports. */
  ports?: { kafka: number; controller: number; s3: number; redis: number };
}

export class ChaosServices {
  readonly dir: string;
  readonly ports: { kafka: number; controller: number; s3: number; redis: number };
  /** QUIVER_* settings for quiver processes, from `services.sh env`. */
  env: Record<string, string> = {};

  constructor(o: ChaosServicesOptions = {}) {
    this.dir = o.dir ?? join(ROOT, '.quiver', 'chaos');
    this.ports = o.ports ?? { kafka: 29092, controller: 29093, s3: 29000, redis: 26379 };
  }

  /** Starts (installing nothing new: the caches are shared) and reads the env lines. */
  async up(): Promise<void> {
    await this.run(['up']);
    this.env = parseEnv(await this.run(['env']));
  }

  /** Stops all three and deletes their data. Never touches the shared instance. */
  async downWipe(): Promise<void> {
    await this.run(['down', '--wipe']);
  }

  async stop(service: ServiceName): Promise<void> {
    await this.run(['stop', service]);
  }

  async start(service: ServiceName): Promise<void> {
    await this.run(['start', service]);
  }

  async restart(service: ServiceName): Promise<void> {
    await this.run(['restart', service]);
  }

  /** Runs services.sh against this instance; rejects with its output on a non-zero exit. */
  private run(args: string[]): Promise<string> {
    const env = {
      ...process.env,
      QUIVER_SERVICES_DIR: this.dir,
      QUIVER_TEST_KAFKA_PORT: String(this.ports.kafka),
      QUIVER_TEST_KAFKA_CONTROLLER_PORT: String(this.ports.controller),
      QUIVER_TEST_S3_PORT: String(this.ports.s3),
      QUIVER_TEST_REDIS_PORT: String(this.ports.redis),
    };
    return new Promise((resolve, reject) => {
      const child = spawn('bash', [SCRIPT, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (b: Buffer) => (out += b.toString()));
      child.stderr.on('data', (b: Buffer) => (err = (err + b.toString()).slice(-4000)));
      child.once('error', reject);
      child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`services.sh ${args.join(' ')} exited ${code}:\n${err}`))));
    });
  }
}

/** `export KEY=value` lines into an object (values single-quoted when they need it). */
export function parseEnv(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^\s*(?:export\s+)?([A-Z0-9_]+)=(.*)$/.exec(line);
    if (m) env[m[1]] = m[2].replace(/^'(.*)'$/, '$1').replace(/'\\''/g, "'");
  }
  return env;
}
