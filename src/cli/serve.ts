/**
 * The server commands: `quiver standalone|proxy|indexer|bridge [--port N] [--host H] [--data-dir D]
 * [--config quiver.yaml]` start a process shape and stop it cleanly on SIGINT/SIGTERM;
 * `quiver openapi` prints the HTTP API's OpenAPI document. A server prints one banner line on
 * stdout once it is ready (tests and scripts wait for it); logs go to stderr.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_BRIDGE_PORT, startBridge } from '../bridge/main.ts';
import { startIndexer } from '../indexer/main.ts';
import { startProxy } from '../proxy/entry-node.ts';
import { openApiDocument } from '../proxy/openapi.ts';
import { ConfigError, loadConfig } from '../shared/config/load.ts';
import type { QuiverConfig } from '../shared/config/schema.ts';
import type { Logger } from '../shared/logger.ts';
import { pinoLogger } from '../shared/observability/pino-logger.ts';
import { openPorts, unsharedBackends } from '../shared/runtime/open-ports.ts';
import { startStandalone } from '../standalone.ts';
import { UsageError } from './usage.ts';
import { listenerScheme } from '../shared/runtime/tls-listener.ts';
import { startMemoryReclaimer } from '../shared/runtime/memory-reclaimer.ts';

export const SERVE_HELP = `usage: quiver [standalone|proxy|indexer|bridge|openapi] [options]

  standalone   the whole database in one process (default)
  proxy        a stateless HTTP proxy of a cluster (needs kafka, s3 and redis backends)
  indexer      a member of a cluster's indexer group (needs kafka, s3 and redis backends)
  bridge       an HTTP bridge to Kafka for the edge proxy (Strimzi Kafka Bridge API subset; needs kafka)
  openapi      print the OpenAPI 3.1 document of the HTTP API (also served at GET /v2/openapi.json)

options:
  --port N         HTTP port (default 19530, bridge ${DEFAULT_BRIDGE_PORT}; env QUIVER_PORT, not for bridge)
  --host H         HTTP bind address (default 127.0.0.1; env QUIVER_HOST)
  --data-dir D     data directory (default ./data; env QUIVER_DATA_DIR)
  --config FILE    YAML configuration file (env QUIVER_CONFIG)
  -h, --help       this text
`;

interface Running {
  banner: string;
  stop(): Promise<void>;
}

/** Names the server commands answer to. */
export const SERVER_COMMANDS = ['standalone', 'proxy', 'indexer', 'bridge', 'openapi'] as const;

/**
 * Runs a server command until SIGINT/SIGTERM. `argv` may name the command anywhere among the
 * options (as it always could); no command means standalone. Resolves with the exit code.
 */
export async function runServer(argv: string[], usage: string): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
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
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(usage);
    return 0;
  }
  const command = positionals[0] ?? 'standalone';
  if (command === 'openapi') {
    // Needs no configuration and starts nothing, so it works without a data directory.
    process.stdout.write(`${JSON.stringify(openApiDocument(), null, 2)}\n`);
    return 0;
  }
  const start = Object.hasOwn(STARTERS, command) ? STARTERS[command] : undefined;
  if (!start) throw new UsageError(`unknown command: ${command}`);
  const overrides: Record<string, unknown> = {};
  // server.port (QUIVER_PORT) is the proxy's; a bridge beside it takes Strimzi's port unless told.
  if (values.port !== undefined) overrides['server.port'] = Number(values.port);
  else if (command === 'bridge') overrides['server.port'] = DEFAULT_BRIDGE_PORT;
  if (values.host !== undefined) overrides['server.host'] = values.host;
  if (values['data-dir'] !== undefined) overrides.dataDir = values['data-dir'];
  const config = loadConfig({ env: process.env, file: values.config, overrides });
  const logger = pinoLogger({ component: command, level: config.logging.level });
  const running = await start(config, logger);
  const reclaimer = startMemoryReclaimer();
  // The line tests and scripts wait for; stdout carries nothing else.
  process.stdout.write(`${running.banner}\n`);
  await new Promise<void>((resolveStop) => {
    const onSignal = (signal: string) => {
      logger.info('stopping', { signal });
      reclaimer.stop();
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

async function clusterPorts(config: QuiverConfig, logger: Logger, role: string) {
  const problems = unsharedBackends(config);
  if (problems.length > 0) {
    throw new ConfigError(`quiver ${role} runs beside other processes and needs shared backends:\n  ${problems.join('\n  ')}`);
  }
  return openPorts(config, logger);
}

const STARTERS: Record<string, (config: QuiverConfig, logger: Logger) => Promise<Running>> = {
  standalone: async (config, logger) => {
    const s = await startStandalone(config, logger);
    return { banner: `quiver standalone listening on ${s.proxy.url}`, stop: s.stop };
  },
  proxy: async (config, logger) => {
    const ports = await clusterPorts(config, logger, 'proxy');
    const p = await startProxy(config, ports, logger);
    return {
      banner: `quiver proxy listening on ${p.url}`,
      stop: async () => {
        await p.stop();
        await ports.close();
      },
    };
  },
  indexer: async (config, logger) => {
    const ports = await clusterPorts(config, logger, 'indexer');
    const ix = await startIndexer(config, ports, logger, { http: true });
    return {
      // Names the health/metrics listener, so scripts and tests can find its (possibly free) port.
      banner: `quiver indexer running (pid ${process.pid}), listening on ${listenerScheme(config.server.tls)}://${config.server.host}:${ix.httpPort}`,
      stop: async () => {
        await ix.stop(10_000);
        await ports.close();
      },
    };
  },
  bridge: async (config, logger) => {
    const b = await startBridge(config, logger);
    return { banner: `quiver bridge listening on ${b.url}`, stop: b.stop };
  },
};
