/**
 * The real services' settings written by `npm run services:up` (.quiver/services.env), for tests
 * that talk to Kafka, S3 and Redis. A missing file is a failure with instructions, never a skip.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');

/** QUIVER_* variables from .quiver/services.env. Throws when services were not started. */
export function servicesEnv(): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(join(ROOT, '.quiver', 'services.env'), 'utf8');
  } catch {
    throw new Error('real services are not running: run `npm run services:up` (writes .quiver/services.env)');
  }
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^\s*(?:export\s+)?([A-Z0-9_]+)=(.*)$/.exec(line);
    if (m) env[m[1]] = m[2].replace(/^(['"])(.*)\1$/, '$2');
  }
  return env;
}

/** Env for one isolated deployment on the shared services: own topics, bucket prefix, Redis keys. */
export function isolatedClusterEnv(tag: string): Record<string, string> {
  const run = `${tag}${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
  return {
    ...servicesEnv(),
    QUIVER_TOPIC_PREFIX: `${run}.`,
    QUIVER_S3_PREFIX: `${run}/`,
    QUIVER_REDIS_KEY_PREFIX: `${run}:`,
  };
}
