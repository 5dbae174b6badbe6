/** The local Kafka HTTP bridge (infra/local/bridge.sh) for the edge tests. */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');

/** Where bridge.sh runs the bridge (QUIVER_TEST_BRIDGE_PORT, default 18080). */
export const BRIDGE_URL = `http://127.0.0.1:${process.env.QUIVER_TEST_BRIDGE_PORT ?? '18080'}`;

/**
 * Starts the bridge (idempotent; it stays up for other tests, like the shared services) and says
 * which implementation answers: bridge.sh picks it, QUIVER_BRIDGE_IMPL=strimzi|quiver forces one.
 */
export function startBridge(): void {
  const script = join(ROOT, 'infra', 'local', 'bridge.sh');
  execFileSync('bash', [script, 'start'], { stdio: ['ignore', 'ignore', 'pipe'] });
  process.stdout.write(`# ${execFileSync('bash', [script, 'status'], { encoding: 'utf8' }).trim()}\n`);
}
