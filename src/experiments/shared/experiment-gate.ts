import { streamIds } from '../../../domain/experiment/events';
import { experimentDecider, type ExperimentState } from '../../../domain/experiment/experiment.decider';
import { LedgerError } from '../../../domain/shared/ledger-error';
import type { EventStore } from '../../ledger/event-store.port';
import { foldStream } from '../../ledger/handle-command';

/**
 * Candidate streams do not own their experiment, so candidate handlers read its state first: nothing is recorded
 * for an unknown or finished experiment, and a new candidate only into the running cycle. (A read, not a lock:
 * the experiment stream's own rules still decide cycle completion.)
 */
export async function loadAcceptingExperiment(store: EventStore, experimentId: string, cycle?: number):
Promise<Extract<ExperimentState, { status: 'registered' | 'running' }>> {
  const state = foldStream(experimentDecider, await store.readStream(streamIds.experiment(experimentId)));
  if (state.status === 'unregistered') {
    throw new LedgerError('NOT_FOUND', `experiment ${experimentId} is not registered`, 'Check the experiment id (nas-ledger experiments).');
  }
  if (state.status === 'completed' || state.status === 'failed') {
    throw new LedgerError('REFUSED', `experiment ${experimentId} is ${state.status}; a finished experiment records nothing more`);
  }
  if (cycle !== undefined && (state.status !== 'running' || state.current.cycle !== cycle)) {
    throw new LedgerError('REFUSED', `cycle ${cycle} of ${experimentId} is not running`, 'Record candidates only into the running cycle.');
  }
  return state;
}
