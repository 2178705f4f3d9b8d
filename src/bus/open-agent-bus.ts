import { LedgerError } from '../../domain/shared/ledger-error';
import type { AgentBus, OpenBusOptions } from './agent-bus.port';
import { InProcessBus } from './in-process-bus';

export type { OpenBusOptions } from './agent-bus.port';

/** `inproc` (the embedded default) or `kafka://host:port[,host:port]`. */
export async function openAgentBus(url: string, options: OpenBusOptions = {}): Promise<AgentBus> {
  if (url === 'inproc' || url === '') return new InProcessBus();
  if (url.startsWith('kafka://')) {
    const brokers = url.slice('kafka://'.length).split(',').filter(Boolean);
    if (brokers.length === 0 || !brokers.every((b) => /^[^\s:/]+:\d+$/.test(b))) {
      throw new LedgerError('BAD_INPUT', `bad Kafka URL ${url}`, 'Use kafka://host:port (several brokers: kafka://h1:9092,h2:9092).');
    }
    const { KafkaBus } = await import('./kafka-bus');
    return KafkaBus.connect(brokers, options);
  }
  throw new LedgerError('BAD_INPUT', `unknown bus URL ${url}`, 'Use inproc or kafka://host:port.');
}
