/**
 * Command-line entry: `quiver standalone|proxy|indexer [--port N] [--host H] [--data-dir D]
 * [--config quiver.yaml]`. Parses configuration once, starts the process shape, and stops it
 * cleanly on SIGINT/SIGTERM. `quiver openapi` prints the HTTP API's OpenAPI document instead.
 */
import { parseArgs } from 'node:util';
import { startIndexer } from './indexer/main.ts';
import { startProxy } from './proxy/entry-node.ts';
import { openApiDocument } from './proxy/openapi.ts';
import { ConfigError, loadConfig } from './shared/config/load.ts';
import type { QuiverConfig } from './shared/config/schema.ts';
import { jsonLogger, type Logger } from './shared/logger.ts';
import { openPorts, unsharedBackends } from './shared/runtime/open-ports.ts';
import { startStandalone } from './standalone.ts';

const HELP = `usage: quiver <command> [options]

commands:
  standalone   the whole database in one process (default)
  proxy        a stateless HTTP proxy of a cluster (needs kafka, s3 and redis backends)
  indexer      a member of a cluster's indexer group (needs kafka, s3 and redis backends)
  openapi      print the OpenAPI 3.1 document of the HTTP API (also served at GET /v2/openapi.json)

options:
  --port N         HTTP port (default 19530; env QUIVER_PORT)
  --host H         HTTP bind address (default 127.0.0.1; env QUIVER_HOST)
  --data-dir D     data directory (default ./data; env QUIVER_DATA_DIR)
  --config FILE    YAML configuration file (env QUIVER_CONFIG)
  -h, --help       this text
`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'data-dir': { type: 'string' },
      config: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const command = positionals[0] ?? 'standalone';
  if (command === 'openapi') {
    // Needs no configuration and starts nothing, so it works without a data directory.
    process.stdout.write(`${JSON.stringify(openApiDocument(), null, 2)}\n`);
    return 0;
  }
  const overrides: Record<string, unknown> = {};
  if (values.port !== undefined) overrides['server.port'] = Number(values.port);
  if (values.host !== undefined) overrides['server.host'] = values.host;
  if (values['data-dir'] !== undefined) overrides.dataDir = values['data-dir'];
  const start = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (!start) {
    process.stderr.write(`unknown command: ${command}\n\n${HELP}`);
    return 2;
  }
  const config = loadConfig({ env: process.env, file: values.config, overrides });
  const logger = jsonLogger(command);
  const running = await start(config, logger);
  // The line tests and scripts wait for; stdout carries nothing else.
  process.stdout.write(`${running.banner}\n`);
  await new Promise<void>((resolveStop) => {
    const onSignal = (signal: string) => {
      logger.info('stopping', { signal });
      void running.stop().then(resolveStop, (err) => {
        logger.error('stop failed', { error: String(err) });
        resolveStop();
      });
    };
    process.once('SIGINT', () => onSignal('SIGINT'));
    process.once('SIGTERM', () => onSignal('SIGTERM'));
  });
  return 0;
}

interface Running {
  banner: string;
  stop(): Promise<void>;
}

async function clusterPorts(config: QuiverConfig, logger: Logger, role: string) {
  const problems = unsharedBackends(config);
  if (problems.length > 0) {
    throw new ConfigError(`quiver ${role} runs beside other processes and needs shared backends:\n  ${problems.join('\n  ')}`);
  }
  return openPorts(config, logger);
}

const COMMANDS: Record<string, (config: QuiverConfig, logger: Logger) => Promise<Running>> = {
  standalone: async (config, logger) => {
    const s = await startStandalone(config, logger);
    return { banner: `quiver standalone listening on http://${config.server.host}:${s.proxy.port}`, stop: s.stop };
  },
  proxy: async (config, logger) => {
    const ports = await clusterPorts(config, logger, 'proxy');
    const p = await startProxy(config, ports, logger);
    return {
      banner: `quiver proxy listening on http://${config.server.host}:${p.port}`,
      stop: async () => {
        await p.stop();
        await ports.close();
      },
    };
  },
  indexer: async (config, logger) => {
    const ports = await clusterPorts(config, logger, 'indexer');
    const ix = startIndexer(config, ports, logger);
    return {
      banner: `quiver indexer running (pid ${process.pid})`,
      stop: async () => {
        await ix.stop(10_000);
        await ports.close();
      },
    };
  },
};

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(err instanceof ConfigError ? `${err.message}\n` : `quiver: ${(err as Error).stack ?? err}\n`);
    process.exit(err instanceof ConfigError ? 2 : 1);
  },
);
