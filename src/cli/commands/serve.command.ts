import type { Command } from 'commander';
import { LedgerError } from '../../../domain/shared/ledger-error';
import { intOption, log, printJson, untilStopSignal } from '../cli-context';
import { openEventStore } from '../../ledger/open-event-store';
import { startHttpServer } from '../../http/http-server';
import { apiRoutes } from '../../http/api-routes';
import { readsThroughSocket } from '../../ledger/read-socket/read-through-socket';
import { artifactDirFor } from '../../ledger/artifact-store';

interface ServeFlags {
  readonly store?: string;
  readonly port: number;
  readonly host: string;
  readonly allowHost: string[];
  readonly json?: boolean;
  readonly snapshots: boolean;
}

export function register(program: Command): void {
  program.command('serve')
    .description('Serve the read-only JSON API under /api (the routes below) and the dashboard page at /. Stops on Ctrl-C / SIGTERM.')
    .addHelpText('after', routesHelp())
    .option('--store <url>', 'ledger store: postgres://… or a directory (default $NAS_LEDGER_STORE, then ./.nas-ledger)')
    .option('--port <port>', 'TCP port; 0 picks a free one', portOption, 8080)
    .option('--host <host>', 'address to listen on; 0.0.0.0 exposes the (unauthenticated) API to the network', '127.0.0.1')
    .option('--allow-host <name>', 'also answer requests whose Host header names NAME (repeatable); only localhost, 127.0.0.1,\n' +
      '[::1] and --host are answered otherwise (421), against DNS rebinding', (name: string, all: string[]) => [...all, name], [] as string[])
    .option('--no-snapshots', 'do not store projection snapshots at cycle ends (for a store this process may not write to)')
    .option('--json', 'print {"url": …} on stdout once listening')
    .action(async (flags: ServeFlags) => {
      const store = await openEventStore(flags.store, { forReading: true });
      try {
        const server = await startHttpServer(store, {
          port: flags.port, host: flags.host, allowHosts: flags.allowHost, log, artifactsDir: artifactDirFor(flags.store),
          // Read through another process's socket, snapshots cannot be stored here (that process keeps its own).
          maintainSnapshots: flags.snapshots && !readsThroughSocket(store),
        });
        if (flags.json) printJson({ url: server.url });
        log(`nas-ledger serve: listening on ${server.url} (Ctrl-C stops)`);
        await untilStopSignal();
        log('nas-ledger serve: stopping');
        await server.close();
      } finally {
        await store.close();
      }
    });
}

/** The routes as the controllers declare them (the unknown-route hint lists the same), then their query parameters. */
function routesHelp(): string {
  return ['', 'Routes (GET; /api/live is server-sent events, one `head` event per append):', ...apiRoutes().map((route) => `  ${route}`), '',
    'Query parameters:',
    '  as of a point: ?asOfCycle=N | ?asOfPosition=P | ?asOfTime=ISO (one at most; none: the head;',
    '    /api/experiments, /api/groups and the study routes take a position or a time only)',
    '  candidates: ?cycle=N   diff: ?from=&to= (cycle:N, position:P, time:ISO, N, start, head)',
    '  show: ?experiment=ID   theory: ?against=ID'].join('\n');
}

function portOption(value: string): number {
  const port = intOption('--port', 0)(value);
  if (port > 65535) throw new LedgerError('BAD_INPUT', `--port must be at most 65535, got ${port}`, 'Use a port between 1 and 65535, or 0 for any free one.');
  return port;
}
