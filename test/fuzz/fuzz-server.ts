/**
 * Fuzzes a real standalone server with schemathesis against the OpenAPI document it serves.
 * Run by scripts/fuzz.sh (which prepares the Python environment); exits non-zero when
 * schemathesis found a failure (any 5xx, an undocumented status, a body that is not the
 * envelope), when the run overran its time bound, or when the server died or stopped answering.
 *
 * The server runs with authentication on: the broad and deep passes send the root user's
 * credentials (so they reach every handler, as with auth off, and exercise the auth layer on every
 * request), and a short anonymous pass sends none, where every answer must still be a
 * documented one and no request may crash the server (schemathesis reports how many operations
 * answered only 401/403; test/e2e/auth.test.ts asserts the 401s themselves).
 *
 * Environment: SCHEMATHESIS (the CLI to run, required), FUZZ_MAX_EXAMPLES (per operation and
 * phase, default 20), FUZZ_TIME_LIMIT_S (hard bound on all passes together, default 300),
 * FUZZ_SEED (reproduce a run; random by default), FUZZ_REPORT_DIR (keep the reports there).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve as resolvePath } from 'node:path';
import { milvus, startStandaloneProcess, type StandaloneProcess } from '../helpers/standalone-process.ts';
import { DESTRUCTIVE_OPERATIONS, seedCollections, steerTowardsSeeds } from './seed.ts';

const schemathesis = process.env.SCHEMATHESIS;
const maxExamples = Number(process.env.FUZZ_MAX_EXAMPLES ?? 20);
const timeLimitS = Number(process.env.FUZZ_TIME_LIMIT_S ?? 300);
/** The fuzzed server's root password (a throwaway server in a temporary directory). */
const ROOT_PASSWORD = 'fuzz-root-Pass-1';
const ROOT_AUTH = `Authorization: Bearer root:${ROOT_PASSWORD}`;
const seed = process.env.FUZZ_SEED ?? String(Math.floor(Math.random() * 2 ** 31));

/** Runs the CLI with inherited output; resolves with its exit code, or 'timeout'. */
function run(command: string, args: string[], cwd: string, limitMs: number, env: NodeJS.ProcessEnv): Promise<number | 'timeout'> {
  return new Promise((resolve, reject) => {
    // cwd: schemathesis keeps a cache there (.schemathesis/), which belongs in the temp dir.
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'], env });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5000).unref();
    }, limitMs);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(timedOut ? 'timeout' : (code ?? 1));
    });
  });
}

/** True when the server process is alive and its health endpoint answers ok. */
async function healthy(server: StandaloneProcess): Promise<boolean> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return false;
  try {
    const res = await fetch(`${server.url}/healthz`, { signal: AbortSignal.timeout(10_000) });
    return res.ok && ((await res.json()) as { status?: string }).status === 'ok';
  } catch {
    return false;
  }
}

async function main(): Promise<number> {
  if (!schemathesis) {
    console.error('SCHEMATHESIS is not set: run scripts/fuzz.sh');
    return 2;
  }
  const dir = await mkdtemp(join(tmpdir(), 'quiver-fuzz-'));
  const reportDir = process.env.FUZZ_REPORT_DIR ? resolvePath(process.env.FUZZ_REPORT_DIR) : undefined;
  let server: StandaloneProcess | undefined;
  try {
    server = await startStandaloneProcess(join(dir, 'data'), {
      // A consistency wait that cannot finish answers 408 well before the client gives up.
      QUIVER_REQUEST_TIMEOUT_MS: '10000',
      QUIVER_AUTH_ENABLED: 'true',
      QUIVER_AUTH_ROOT_PASSWORD: ROOT_PASSWORD,
      // The fewest hash iterations allowed: every credentialed request verifies the password.
      QUIVER_AUTH_PASSWORD_HASH_ITERATIONS: '10000',
    });
    const rootHeaders = { authorization: `Bearer root:${ROOT_PASSWORD}` };
    const res = await fetch(`${server.url}/v2/openapi.json`, { headers: rootHeaders });
    if (!res.ok) throw new Error(`GET /v2/openapi.json answered ${res.status}`);
    const doc = (await res.json()) as Record<string, unknown>;
    const seeds = await seedCollections((path, body) => milvus(server!.url, path, body, rootHeaders));
    // Broad: the document as served, valid and invalid bodies alike (names, types, headers).
    // Deep: steered towards the seeded collections, valid bodies only, so the random values land
    // in filters, searches, writes and the management code behind them.
    // Anonymous: no credentials, few examples (every answer is the auth layer's).
    const passes = [
      { name: 'broad', doc, mode: 'all', extra: ['-H', ROOT_AUTH], examples: maxExamples },
      {
        name: 'deep', doc: steerTowardsSeeds(doc, seeds), mode: 'positive', examples: maxExamples,
        extra: ['-H', ROOT_AUTH, '--exclude-path-regex', DESTRUCTIVE_OPERATIONS],
      },
      { name: 'anonymous', doc, mode: 'all', extra: [] as string[], examples: Math.min(3, maxExamples) },
    ];
    const deadline = Date.now() + timeLimitS * 1000;
    const problems: string[] = [];
    for (const pass of passes) {
      const docPath = join(dir, `openapi-${pass.name}.json`);
      await writeFile(docPath, JSON.stringify(pass.doc));
      console.log(`\n==== fuzz pass ${pass.name}: up to ${pass.examples} examples per operation and phase, ` +
        `mode ${pass.mode}, seed ${seed} ====`);
      const started = Date.now();
      const outcome = await run(schemathesis, [
        'run', docPath,
        '--url', server.url,
        '--checks', 'not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance',
        '--phases', 'examples,coverage,fuzzing',
        '--mode', pass.mode,
        '--max-examples', String(pass.examples),
        ...pass.extra,
        '--seed', seed,
        // One worker: schemathesis's generator is not reliable across threads on deep schemas.
        '--workers', '1',
        '--request-timeout', '30',
        '--generation-database', 'none',
        '--suppress-health-check', 'all',
        '--no-color',
        ...(reportDir ? ['--report', 'junit,ndjson', '--report-dir', join(reportDir, pass.name)] : []),
      ], dir, Math.max(1000, deadline - Date.now()), { ...process.env, SCHEMATHESIS_TELEMETRY: 'false' });
      console.log(`fuzz pass ${pass.name}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
      if (outcome === 'timeout') {
        problems.push(`the fuzz passes did not finish within ${timeLimitS} s`);
        break;
      }
      if (outcome !== 0) problems.push(`schemathesis reported failures in pass ${pass.name} (exit ${outcome}); repeat with FUZZ_SEED=${seed}`);
      if (!(await healthy(server))) break;
    }

    const alive = await healthy(server);
    if (!alive) problems.push(`the server no longer answers /healthz; its last log lines:\n${server.logs().slice(-4000)}`);
    console.log(`\nfuzz: server ${alive ? 'healthy' : 'DOWN'} after the run, seed ${seed}`);
    for (const p of problems) console.error(`FAIL: ${p}`);
    return problems.length === 0 ? 0 : 1;
  } finally {
    await server?.stop().catch(() => server?.kill());
    await rm(dir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
