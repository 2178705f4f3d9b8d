import { openEventStore } from '../../src/ledger/open-event-store';
import { appendHistory, type EnvelopeOptions, type ExperimentHistory } from './ledger-fixtures';

/** Opens the store at `location`, appends the histories in order (each with its envelope options), and closes it. */
export async function seedStore(location: string, histories: readonly ExperimentHistory[],
  optionsFor: (index: number) => EnvelopeOptions = () => ({})): Promise<void> {
  const store = await openEventStore(location);
  try {
    for (const [i, history] of histories.entries()) await appendHistory(store, history, optionsFor(i));
  } finally {
    await store.close();
  }
}
