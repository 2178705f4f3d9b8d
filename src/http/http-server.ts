import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { LedgerError } from '../../domain/shared/ledger-error';
import type { EventStore } from '../ledger/event-store.port';
import { artifactDirFor } from '../ledger/artifact-store';
import { SnapshotMaintainer } from '../queries/snapshot-maintainer';
import { HttpAppModule } from './http-app.module';
import { hostGuard, LOOPBACK_NAMES, methodGuard } from './request-guards';
import { httpRoutes } from './api-routes';

/**
 * Connections that send nothing, or send slowly, must not hold a socket forever: a request's headers must arrive
 * within HEADERS_TIMEOUT_MS and the whole request within REQUEST_TIMEOUT_MS (checked every CHECK_INTERVAL_MS);
 * an idle keep-alive connection closes after KEEP_ALIVE_TIMEOUT_MS, and any socket with no traffic either way
 * after SOCKET_IDLE_TIMEOUT_MS (above the slowest cold as-of query).
 */
export const HTTP_TIMEOUTS = {
  HEADERS_TIMEOUT_MS: 10_000, REQUEST_TIMEOUT_MS: 30_000, CHECK_INTERVAL_MS: 1_000, KEEP_ALIVE_TIMEOUT_MS: 5_000, SOCKET_IDLE_TIMEOUT_MS: 120_000,
} as const;

export interface HttpServerOptions {
  readonly port: number;
  readonly host: string;
  /** Host-header names answered besides localhost, 127.0.0.1, [::1] and `host` (DNS-rebinding guard). */
  readonly allowHosts?: readonly string[];
  /** Keep projection snapshots at every cycle end so as-of-cycle answers stay fast (default true). */
  readonly maintainSnapshots?: boolean;
  /**
   * The artifact directory of the served store (artifactDirFor(store location)): the diff reads grammar θ there. Default:
   * artifactDirFor(undefined), i.e. $NAS_LEDGER_ARTIFACTS or beside $NAS_LEDGER_STORE, which is right only for the default store.
   */
  readonly artifactsDir?: string;
  readonly log?: (line: string) => void;
}

export interface RunningHttpServer {
  /** Where it listens, e.g. http://127.0.0.1:8080/ (the real port when 0 was asked for). */
  readonly url: string;
  readonly port: number;
  /** Stops listening and the snapshot maintainer; the store stays open (the caller owns it). */
  close(): Promise<void>;
}

/** Serves the API and the dashboard over an already opened store. */
export async function startHttpServer(store: EventStore, options: HttpServerOptions): Promise<RunningHttpServer> {
  const log = options.log ?? (() => undefined);
  // logger: false keeps Nest's console logger off stdout; failures are reported by the error filter.
  const app = await NestFactory.create<NestExpressApplication>(HttpAppModule.withStore(store, options.artifactsDir ?? artifactDirFor(undefined)),
    { logger: false, abortOnError: false, bodyParser: false });
  app.disable('x-powered-by');
  const server = app.getHttpServer() as Server & { connectionsCheckingInterval: number };
  server.headersTimeout = HTTP_TIMEOUTS.HEADERS_TIMEOUT_MS;
  server.requestTimeout = HTTP_TIMEOUTS.REQUEST_TIMEOUT_MS;
  server.connectionsCheckingInterval = HTTP_TIMEOUTS.CHECK_INTERVAL_MS; // read when listening starts
  server.keepAliveTimeout = HTTP_TIMEOUTS.KEEP_ALIVE_TIMEOUT_MS;
  server.setTimeout(HTTP_TIMEOUTS.SOCKET_IDLE_TIMEOUT_MS); // no 'timeout' listener: the socket is destroyed
  let boundPort = options.port;
  app.use(hostGuard([...LOOPBACK_NAMES, options.host, ...(options.allowHosts ?? [])], () => boundPort));
  app.use(methodGuard(httpRoutes()));
  try {
    await app.listen(options.port, options.host);
  } catch (error) {
    await app.close().catch(() => undefined);
    throw listenError(error, options);
  }
  const address = server.address() as AddressInfo;
  boundPort = address.port;
  const maintainer = options.maintainSnapshots === false ? null
    : new SnapshotMaintainer(store, undefined, (error) => log(`nas-ledger serve: snapshot refresh failed: ${(error as Error).message}`));
  // Catches up from its stored checkpoint, refreshing snapshots at each cycle end it meets, then follows new cycles.
  maintainer?.start();
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}/`,
    port: address.port,
    close: async () => {
      await maintainer?.stop();
      await app.close();
    },
  };
}

function listenError(error: unknown, options: HttpServerOptions): LedgerError {
  const code = (error as { code?: string }).code;
  if (code === 'EADDRINUSE') {
    return new LedgerError('UNAVAILABLE', `port ${options.port} on ${options.host} is already in use`,
      'Pick another with --port, or --port 0 for any free port.', { port: options.port, host: options.host });
  }
  if (code === 'EACCES') {
    return new LedgerError('UNAVAILABLE', `not allowed to listen on ${options.host}:${options.port}`,
      'Ports below 1024 need privileges; use --port 8080 or higher.', { port: options.port, host: options.host });
  }
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') {
    return new LedgerError('BAD_INPUT', `cannot listen on host ${options.host}: no such local address`,
      'Use --host 127.0.0.1 (this machine only) or 0.0.0.0 (all interfaces).', { host: options.host });
  }
  return LedgerError.from(error);
}
