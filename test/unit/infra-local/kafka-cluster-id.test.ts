/**
 * The local Kafka script's cluster ids (infra/local/kafka.sh): the storage tool parses its
 * arguments as options, so an id starting with '-' makes formatting fail and the services never
 * start. Ids are random, one in 64 would start with '-', so enough of them show the rule holds.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('../../../infra/local/kafka.sh', import.meta.url));
/** With 600 ids, a generator that allowed a leading '-' would pass with probability (63/64)^600 < 1e-4. */
const COUNT = 600;

describe('infra/local/kafka.sh cluster-id', () => {
  it('prints Kafka Uuids (16 bytes, URL-safe base64, no padding), none starting with "-"', () => {
    const dir = mkdtempSync(join(tmpdir(), 'quiver-kafka-id-'));
    try {
      const out = execFileSync('bash', [script, 'cluster-id', String(COUNT)], {
        encoding: 'utf8', env: { ...process.env, QUIVER_SERVICES_DIR: dir },
      });
      const ids = out.trim().split('\n');
      assert.equal(ids.length, COUNT);
      for (const id of ids) {
        assert.match(id, /^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/, `id ${id}`);
        assert.equal(Buffer.from(id, 'base64url').length, 16, `id ${id}`);
      }
      assert.equal(new Set(ids).size, COUNT, 'ids are distinct');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a count that is not a positive integer, printing nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'quiver-kafka-id-'));
    try {
      assert.throws(
        () => execFileSync('bash', [script, 'cluster-id', 'x'], { encoding: 'utf8', stdio: 'pipe', env: { ...process.env, QUIVER_SERVICES_DIR: dir } }),
        (err: { status: number; stdout: string; stderr: string }) => err.status === 1 && err.stdout === '' && /usage: kafka\.sh cluster-id/.test(err.stderr),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
