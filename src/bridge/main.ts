/**
 * Composition root of `quiver bridge`: an HTTP bridge to Kafka speaking the produce and offset
 * subset of the Strimzi Kafka Bridge REST API (bridge-app.ts), for the edge proxy on Cloudflare
 * Workers, which has no Kafka client. It produces through the Log port's Kafka adapter (the same
 * idempotent, acks=all producer the Node proxies use), so the records are byte for byte those a
 * Node proxy writes, and an answered offset is durable.
 *
 * Configuration is the usual quiver.yaml / QUIVER_* (only `log` with `kind: kafka`, `server.host`,
 * `server.maxBodyBytes`, `server.tls` and `logging` matter); the port comes from `--port` (the
 * CLI's default is Strimzi's 8080, not the proxy's `server.port`). No other port (object store,
 * coordinator) is opened.
 */
import { serve, type ServerType } from '@hono/node-server';
import { ConfigError } from '../shared/config/load.ts';
import type { QuiverConfig } from '../shared/config/schema.ts';
import type { Logger } from '../shared/logger.ts';
import { openLog } from '../shared/runtime/open-ports.ts';
import { listenerScheme, listenerTls } from '../shared/runtime/tls-listener.ts';
import { newBridgeApp } from './bridge-app.ts';

/** The port `quiver bridge` listens on without `--port`: the Strimzi bridge's default. */
export const DEFAULT_BRIDGE_PORT = 8080;

export interface RunningBridge {
  /** Base URL of the listener, with the port actually bound. */
  url: string;
  /**
   * Stops answering (/ready turns 503), closes the listener after the requests in flight, then
   * flushes and closes the Kafka producer (up to log.sendTimeoutMs). Idempotent.
   */
  stop(): Promise<void>;
}

/**
 * Connects to Kafka, then listens on `server.host`:`server.port` (0 = any free port).
 * @throws ConfigError when `log.kind` is not kafka or the port is taken; LogError 'unavailable'
 *   when no broker answers.
 */
export async function startBridge(config: QuiverConfig, logger: Logger): Promise<RunningBridge> {
  if (config.log.kind !== 'kafka') {
    throw new ConfigError(
      `quiver bridge produces into Kafka, but log.kind is "${config.log.kind}": ` +
        'set log.kind: kafka and log.brokers (QUIVER_LOG_KIND=kafka, QUIVER_KAFKA_BROKERS)',
    );
  }
  const tls = listenerTls(config.server.tls);
  const log = await openLog(config, logger);
  let serving = true;
  const app = newBridgeApp({ log, maxBodyBytes: config.server.maxBodyBytes, logger, serving: () => serving });
  const { host, port } = config.server;
  let server: ServerType;
  try {
    server = await new Promise<ServerType>((resolve, reject) => {
      const s = serve({ fetch: app.fetch, hostname: host, port, ...tls }, () => resolve(s));
      s.once('error', (err: NodeJS.ErrnoException) =>
        reject(err.code === 'EADDRINUSE' ? new ConfigError(`quiver bridge: ${host}:${port} is in use; choose another --port`) : err),
      );
    });
  } catch (err) {
    await log.close();
    throw err;
  }
  const address = server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  const url = `${listenerScheme(config.server.tls)}://${host.includes(':') ? `[${host}]` : host}:${bound}`;
  logger.info('bridge listening', { url, brokers: config.log.brokers });
  let stopping: Promise<void> | null = null;
  return {
    url,
    stop: () =>
      (stopping ??= (async () => {
        serving = false;
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await log.close();
      })()),
  };
}
