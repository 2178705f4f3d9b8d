import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { LedgerError } from '../../domain/shared/ledger-error';
import { openEventStore } from '../ledger/open-event-store';
import { openAgentBus } from '../bus/open-agent-bus';
import { startLocalAgent } from './agent-wiring';

/**
 * A stand-alone agent process: joins the agents' consumer group on the bus, claims jobs in the ledger, runs them.
 * `node agent-process.js --store URL --bus kafka://host:port [--concurrency N] [--lease-ms MS] [--agent-id ID]`.
 * Runs the sim backends only; `nas-ledger agent` is the PyTorch agent. Used by the crash tests (kill -9 an agent mid-evaluation).
 */
async function agentMain(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv, options: {
      store: { type: 'string' }, bus: { type: 'string' }, concurrency: { type: 'string' }, 'lease-ms': { type: 'string' }, 'agent-id': { type: 'string' },
    },
  });
  if (!values.bus) throw new LedgerError('BAD_INPUT', '--bus is required', 'e.g. --bus kafka://127.0.0.1:9092');
  const store = await openEventStore(values.store);
  const bus = await openAgentBus(values.bus);
  const agent = await startLocalAgent(store, bus, {
    concurrency: values.concurrency ? Number(values.concurrency) : 1, leaseMs: values['lease-ms'] ? Number(values['lease-ms']) : undefined,
    agentId: values['agent-id'],     simEvaluateDelayMs: process.env.NAS_SIM_EVAL_DELAY_MS ? Number(process.env.NAS_SIM_EVAL_DELAY_MS) : undefined,
    log: (line) => process.stderr.write(line + '\n'),
  });
  process.stderr.write(`agent ${agent.agentId} ready\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await agent.stop();
  await bus.close();
  await store.close();
  return 0;
}

if (require.main === module) {
  agentMain(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (error: unknown) => {
    const failure = LedgerError.from(error);
    process.stderr.write(`agent: ${failure.code}: ${failure.message}\n`);
    process.exitCode = failure.exitStatus;
  });
}
