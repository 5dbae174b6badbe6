/**
 * HTTPS for a Node listener: turns the `server.tls` settings into the options
 * @hono/node-server's `serve()` takes. The PEM files are read once, when the listener starts, so
 * a missing or unreadable file stops the process at start with a ConfigError naming the setting
 * rather than failing the first client handshake. Certificate rotation needs a restart (or a
 * TLS-terminating balancer in front, the usual deployment).
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { ConfigError } from '../config/load.ts';
import type { QuiverConfig } from '../config/schema.ts';

/** What `serve()` needs for HTTPS, or nothing for plain HTTP. */
export interface ListenerTls {
  createServer: typeof createServer;
  serverOptions: { cert: Buffer; key: Buffer };
}

/** URL scheme of a listener with these settings. */
export function listenerScheme(tls: QuiverConfig['server']['tls']): 'http' | 'https' {
  return tls.certFile ? 'https' : 'http';
}

/**
 * The HTTPS options for `serve()`, or `{}` when TLS is off.
 * @throws ConfigError when a configured file cannot be read.
 */
export function listenerTls(tls: QuiverConfig['server']['tls']): ListenerTls | Record<string, never> {
  if (!tls.certFile || !tls.keyFile) return {};
  return {
    createServer,
    serverOptions: { cert: readPem('server.tls.certFile', tls.certFile), key: readPem('server.tls.keyFile', tls.keyFile) },
  };
}

function readPem(key: string, path: string): Buffer {
  let pem: Buffer;
  try {
    pem = readFileSync(path);
  } catch (err) {
    throw new ConfigError(`${key}: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  // A DER file or a wrong path (a directory listing, an empty file) fails here, by name.
  if (!pem.includes('-----BEGIN ')) throw new ConfigError(`${key}: ${path} is not a PEM file`);
  return pem;
}
