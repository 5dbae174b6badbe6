/** The local Kafka HTTP bridge (infra/local/bridge.sh) for the edge tests, and reading its records back. */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { Log, LogRecord } from '../../src/shared/ports/log.ts';
import { waitUntil } from './quiver-process.ts';

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

/**
 * The records of `topic` read from offset 0 by a fresh consumer group on the native Kafka Log,
 * keyed `partition/offset`; waits (up to 60 s) until at least `count` arrived.
 */
export async function readBack(native: Log, topic: string, count: number): Promise<Map<string, LogRecord>> {
  const got: LogRecord[] = [];
  const consumer = native.consumer({
    groupId: `read-back-${topic}`,
    topicPattern: new RegExp(`^${topic}$`),
    listener: { onAssign: async (tps) => tps.forEach((tp) => consumer.seek(tp, 0)), onRevoke: async () => undefined },
  });
  try {
    await waitUntil(async () => {
      got.push(...(await consumer.poll(10, 500)));
      return got.length >= count;
    }, `${count} records of ${topic}`, 60_000);
  } finally {
    await consumer.close();
  }
  return new Map(got.map((r) => [`${r.partition}/${r.offset}`, r]));
}
