/**
 * `npm run bench -- [suite] [--quick] [--rows N] [--dim D] [--queries Q] [--profile DIR]`:
 * parses the command line, runs one benchmark suite (default `standalone`), prints its tables
 * and records the results.
 */
import { relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from './measure.ts';
import { consoleReport } from './report.ts';
import { SUITES, UsageError, runSuite, type RunSuiteOptions } from './run-suite.ts';

/** The usage text, listing the suites. */
export function usage(): string {
  const suites = Object.entries(SUITES).map(([name, s]) => `  ${name.padEnd(12)} ${s.description}`).join('\n');
  return `usage: npm run bench -- [suite] [options]

suites:
${suites}

options:
  --quick          small dataset and fewer settings (a correctness check; nothing is recorded)
  --rows N         stored vectors (default: standalone 100000, cluster 50000; quick 5000)
  --dim D          vector dimension (default 128)
  --queries Q      query vectors (default 1000; quick 100)
  --profile DIR    standalone only: run the server under the V8 CPU profiler, keep the .cpuprofile
                   files in DIR and summarise where the server's time went (nothing is recorded)
  -h, --help       this text

Full runs replace the suite's section in BENCHMARKS.md and write bench/results/<suite>.json.
`;
}

function positiveInt(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1) throw new UsageError(`--${name} must be a positive integer, got "${value}"`);
  return n;
}

/** Parses the command line into a suite name and options. */
export function parseCommandLine(argv: string[]): { suite: string; options: RunSuiteOptions; help: boolean } {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        quick: { type: 'boolean' },
        rows: { type: 'string' },
        dim: { type: 'string' },
        queries: { type: 'string' },
        profile: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { values, positionals } = parsed;
  if (positionals.length > 1) throw new UsageError(`one suite at a time, got ${positionals.join(' ')}`);
  const suite = positionals[0] ?? 'standalone';
  if (!values.help && !Object.hasOwn(SUITES, suite)) throw new UsageError(`unknown suite "${suite}"`);
  return {
    suite,
    help: values.help ?? false,
    options: {
      quick: values.quick ?? false,
      rows: positiveInt('rows', values.rows),
      dim: positiveInt('dim', values.dim),
      queries: positiveInt('queries', values.queries),
      profileDir: values.profile,
    },
  };
}

async function main(argv: string[]): Promise<number> {
  let cli;
  try {
    cli = parseCommandLine(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`error: ${err.message}\n\n${usage()}`);
    return 2;
  }
  if (cli.help) {
    process.stdout.write(usage());
    return 0;
  }
  // Turn interruptions into a normal exit so the server under test is stopped too.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
  const result = await runSuite(cli.suite, cli.options);
  console.log(`\n${consoleReport(result)}\n`);
  if (result.written.length > 0) console.log(`results written to ${result.written.map((p) => relative(REPO_ROOT, p)).join(' and ')}`);
  else console.log('quick or profiled run: BENCHMARKS.md and bench/results were not updated');
  return 0;
}

// Runs only as the entry script, so tests can import the parser.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err instanceof Error ? (err.stack ?? err.message) : err);
      process.exit(1);
    },
  );
}
