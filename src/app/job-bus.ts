import { LedgerError } from '../../domain/shared/ledger-error';
import type { AgentBus } from '../bus/agent-bus.port';
import { openAgentBus } from '../bus/open-agent-bus';

/** The bus a review or proxy study runs on, and how many agents this process starts on it. */
export interface JobBusChoice {
  readonly busUrl: string;
  readonly agents: number;
}

/** Default: one agent on the in-process bus, none on Kafka (agents elsewhere serve it); the in-process bus needs one. */
export function jobBusChoice(busUrl: string | undefined, agents: number | undefined): JobBusChoice {
  const url = busUrl ?? 'inproc';
  const count = agents ?? (url === 'inproc' ? 1 : 0);
  if (count === 0 && url === 'inproc') {
    throw new LedgerError('BAD_INPUT', 'the in-process bus needs an agent in this process', 'Drop --agents 0, or use --bus kafka://host:port with agents elsewhere.');
  }
  return { busUrl: url, agents: count };
}

/** A bus choice with the bus opened. */
export interface OpenJobBus extends JobBusChoice {
  readonly bus: AgentBus;
}

/**
 * Opens the bus of a new review or study before the job is recorded: a bad choice or a broker that does not answer
 * then leaves no open job on the ledger that nothing would finish. The caller passes it on and closes it.
 */
export async function openJobBus(busUrl: string | undefined, agents: number | undefined): Promise<OpenJobBus> {
  const choice = jobBusChoice(busUrl, agents);
  return { ...choice, bus: await openAgentBus(choice.busUrl) };
}
