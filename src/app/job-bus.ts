import { LedgerError } from '../../domain/shared/ledger-error';
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

/**
 * Checked before a new review or study is recorded: the bus choice is valid and a Kafka broker answers. A refusal
 * then leaves no open job on the ledger that nothing would finish.
 */
export async function checkJobBus(busUrl: string | undefined, agents: number | undefined): Promise<JobBusChoice> {
  const choice = jobBusChoice(busUrl, agents);
  if (choice.busUrl !== 'inproc') await (await openAgentBus(choice.busUrl)).close();
  return choice;
}
