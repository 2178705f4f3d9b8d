import type { GeneratorRef } from '../../domain/experiment/events';
import type { CorpusView } from '../corpus/view';
import type { EventRef } from '../shared/event-ref';

/** What produced each generator version of an experiment, and the corpus it was trained on. */
export interface FineTuneRecord {
  readonly cycle: number;
  readonly from: GeneratorRef;
  readonly to: GeneratorRef;
  readonly adapterHash: string;
  readonly corpusVersion: number;
  readonly loss: number | null;
  readonly durationMs: number;
  readonly fineTuned: EventRef;
}

export interface FineTuneRequestRecord {
  readonly cycle: number;
  readonly from: GeneratorRef;
  readonly corpusVersion: number;
  readonly corpusHash: string;
  readonly requested: EventRef;
}

export interface ExperimentLineage {
  readonly experimentId: string;
  readonly configHash: string;
  readonly registered: EventRef;
  readonly seeded: { readonly seeded: EventRef; readonly corpusHash: string; readonly entries: number; readonly source: string } | null;
  /** The generator of the first CycleStarted: the version no fine-tune produced. */
  readonly initialGenerator: { readonly generator: GeneratorRef; readonly firstUsedIn: EventRef } | null;
  /** Keyed by the produced version (GeneratorRef.version). */
  readonly fineTunes: Readonly<Record<string, FineTuneRecord>>;
  /** Keyed by cycle. */
  readonly fineTuneRequests: Readonly<Record<string, FineTuneRequestRecord>>;
}

/** Records keyed by experiment, by cycle or by generator version are small: a change copies the one it touches. */
export interface LineageView {
  readonly experiments: Readonly<Record<string, ExperimentLineage>>;
  /** The corpus fold, shared with the corpus read model: members in the order they joined, with their events. */
  readonly corpus: CorpusView;
}
