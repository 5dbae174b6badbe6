/**
 * Command-line entry (bin/quiver). Dispatches to one module per command under src/cli/, loaded
 * lazily so a client command never loads the server. Exit codes: 0 success, 2 bad usage or
 * configuration, 1 any other failure.
 *
 *   quiver [standalone|proxy|indexer|bridge|openapi] [--port N] [--host H] [--data-dir D] [--config F]
 *   quiver import|export|status|backup|restore|bench ...
 */
import { ConfigError } from './shared/config/load.ts';
import { CommandError, UsageError } from './cli/usage.ts';

const HELP = `usage: quiver <command> [options]

server commands:
  standalone   the whole database in one process (default)
  proxy        a stateless HTTP proxy of a cluster (needs kafka, s3 and redis backends)
  indexer      a member of a cluster's indexer group (needs kafka, s3 and redis backends)
  bridge       an HTTP bridge to Kafka for the edge proxy (Strimzi Kafka Bridge API subset; needs kafka)
  openapi      print the OpenAPI 3.1 document of the HTTP API (also served at GET /v2/openapi.json)

client commands:
  import       load rows from JSONL, CSV, Parquet, .npy or fvecs into a collection (resumable)
  export       write a collection's rows as JSONL
  status       collections, shards, segments, lag and processes
  backup       snapshot catalog, manifests and segments into the object store
  restore      rebuild the coordinator (and missing segments) from a backup
  bench        run the benchmark harness (bench/main.ts)

server options:
  --port N         HTTP port (default 19530, bridge 8080; env QUIVER_PORT, not for bridge)
  --host H         HTTP bind address (default 127.0.0.1; env QUIVER_HOST)
  --data-dir D     data directory (default ./data; env QUIVER_DATA_DIR)
  --config FILE    YAML configuration file (env QUIVER_CONFIG)
  -h, --help       this text ("quiver <command> --help" for a command's options)
`;

type Runner = (argv: string[]) => Promise<number>;

const CLIENT_COMMANDS: Record<string, () => Promise<Runner>> = {
  import: async () => (await import('./cli/import.ts')).runImport,
  export: async () => (await import('./cli/export.ts')).runExport,
  status: async () => (await import('./cli/status.ts')).runStatus,
  backup: async () => (await import('./cli/backup.ts')).runBackup,
  restore: async () => (await import('./cli/restore.ts')).runRestore,
  bench: async () => (await import('./cli/bench.ts')).runBench,
};

async function main(argv: string[]): Promise<number> {
  const first = argv[0];
  if (first !== undefined && Object.hasOwn(CLIENT_COMMANDS, first)) {
    const run = await CLIENT_COMMANDS[first]();
    return run(argv.slice(1));
  }
  if (first === 'help') {
    const topic = argv[1];
    if (topic !== undefined && Object.hasOwn(CLIENT_COMMANDS, topic)) return (await CLIENT_COMMANDS[topic]())(['--help']);
    process.stdout.write(HELP);
    return 0;
  }
  // The server commands keep their historical parsing: the command may follow the options.
  const { runServer } = await import('./cli/serve.ts');
  return runServer(argv, HELP);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    if (err instanceof UsageError) {
      process.stderr.write(`quiver: ${err.message}\n(see quiver ${process.argv[2] && Object.hasOwn(CLIENT_COMMANDS, process.argv[2]) ? `${process.argv[2]} ` : ''}--help)\n`);
      process.exit(2);
    }
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    if (err instanceof CommandError) {
      process.stderr.write(`quiver: ${err.message}\n`);
      process.exit(1);
    }
    process.stderr.write(`quiver: ${(err as Error).stack ?? err}\n`);
    process.exit(1);
  },
);
