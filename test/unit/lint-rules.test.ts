/**
 * The house rules in eslint.config.js: runtime-agnostic code (the proxy app and the shared core)
 * never imports node-only modules or globals, and adapters never read the environment.
 */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { ESLint } from 'eslint';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const eslint = new ESLint({ cwd: repoRoot });

/** Rule ids of the errors ESLint reports for `code` as if it lived at `filePath`. */
async function errorsFor(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  assert.ok(result, 'ESLint returned no result');
  return result.messages.filter((m) => m.severity === 2).map((m) => m.ruleId ?? `fatal: ${m.message}`);
}

const nodeFs = "import fs from 'node:fs';\nexport const exists = fs.existsSync;\n";
const bareFs = "import { readFile } from 'fs/promises';\nexport { readFile };\n";
const usearch = "import { Index } from 'usearch';\nexport { Index };\n";
const awsSdk = "import { S3Client } from '@aws-sdk/client-s3';\nexport { S3Client };\n";
const adapterImport =
  "import { durableWrite } from '../../shared/adapters/fs/durable-write.ts';\nexport { durableWrite };\n";
const replicaImport = "import { openReplica } from '../replica/replica.ts';\nexport { openReplica };\n";
const bufferGlobal = "export const bytes = Buffer.from('x');\n";
const processGlobal = 'export const cwd = process.cwd();\n';
const envRead = 'export const brokers = process.env.X;\n';

describe('lint: the proxy app stays runtime-agnostic', () => {
  it('rejects node: builtins in a proxy route', async () => {
    assert.deepEqual(await errorsFor(nodeFs, 'src/proxy/routes/x.ts'), ['no-restricted-imports']);
  });

  it('rejects native packages in a proxy route', async () => {
    assert.deepEqual(await errorsFor(usearch, 'src/proxy/routes/x.ts'), ['no-restricted-imports']);
  });

  it('rejects bare builtins, node-only SDKs, adapters and replica code in runtime-agnostic files', async () => {
    for (const [code, file] of [
      [bareFs, 'src/proxy/app.ts'],
      [awsSdk, 'src/proxy/write/producer.ts'],
      [adapterImport, 'src/proxy/write/producer.ts'],
      [replicaImport, 'src/proxy/read/search.ts'],
      [nodeFs, 'src/shared/ports/log.ts'],
      [nodeFs, 'src/shared/filter/compile.ts'],
      [nodeFs, 'src/shared/errors.ts'],
      [nodeFs, 'src/shared/config/schema.ts'],
    ]) {
      assert.deepEqual(await errorsFor(code, file), ['no-restricted-imports'], `${file}: ${code}`);
    }
  });

  it('rejects the Buffer and process globals in runtime-agnostic files', async () => {
    assert.deepEqual(await errorsFor(bufferGlobal, 'src/proxy/routes/x.ts'), ['no-restricted-globals']);
    assert.deepEqual(await errorsFor(processGlobal, 'src/shared/catalog/x.ts'), ['no-restricted-globals']);
  });

  it('allows node-only code in the replica, the node entry point, adapters and config loading', async () => {
    for (const [code, file] of [
      [nodeFs, 'src/proxy/replica/x.ts'],
      [usearch, 'src/proxy/replica/x.ts'],
      [bufferGlobal, 'src/proxy/replica/x.ts'],
      [nodeFs, 'src/proxy/entry-node.ts'],
      [nodeFs, 'src/shared/adapters/fs/x.ts'],
      [nodeFs, 'src/shared/config/load.ts'],
      [usearch, 'src/shared/segment/x.ts'],
    ]) {
      assert.deepEqual(await errorsFor(code, file), [], `${file}: ${code}`);
    }
  });

  it('lets the Workers entry point wire adapters, but nothing node-only', async () => {
    assert.deepEqual(await errorsFor(adapterImport, 'src/proxy/entry-worker.ts'), []);
    assert.deepEqual(await errorsFor(nodeFs, 'src/proxy/entry-worker.ts'), ['no-restricted-imports']);
    assert.deepEqual(await errorsFor(processGlobal, 'src/proxy/entry-worker.ts'), ['no-restricted-globals']);
  });

  it('does not mistake local modules for builtins', async () => {
    const localUtil = "import { clamp } from './util/clamp.ts';\nexport { clamp };\n";
    assert.deepEqual(await errorsFor(localUtil, 'src/proxy/routes/x.ts'), []);
  });
});

describe('lint: adapters never read the environment', () => {
  it('rejects process.env in an adapter', async () => {
    assert.deepEqual(await errorsFor(envRead, 'src/shared/adapters/kafka/x.ts'), ['no-restricted-properties']);
  });

  it('allows process.env in an entry file', async () => {
    assert.deepEqual(await errorsFor(envRead, 'src/proxy/entry-node.ts'), []);
  });
});
