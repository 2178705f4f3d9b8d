import type { PersistentMap } from '../shared/persistent-map';
import type { StudyCandidate, StudySource, StudyTraining, TrainingOutcome } from '../../domain/study/proxy-study.events';

/** One recorded training of a study, with the position of the event it came from. */
export type RecordedTraining = TrainingOutcome & { readonly position: number };

/** A proxy study as recorded up to some point of the log. */
export interface StudyRecord {
  readonly studyId: string;
  readonly experimentId: string;
  readonly from: StudySource;
  readonly topK: number;
  readonly candidates: readonly StudyCandidate[];
  readonly training: StudyTraining;
  readonly poolSize: number;
  readonly requestedBy: string;
  readonly toolVersion: string;
  readonly status: 'started' | 'completed';
  readonly startedAt: string;
  readonly startedPosition: number;
  readonly completedAt: string | null;
  readonly lastPosition: number;
  /** By candidate id. */
  readonly fullTrains: Readonly<Record<string, RecordedTraining>>;
  /** By candidate id, then seed. */
  readonly reruns: Readonly<Record<string, Readonly<Record<string, RecordedTraining>>>>;
}

export interface ProxyStudyView {
  readonly studies: PersistentMap<StudyRecord>;
  /** Study ids per experiment, oldest first. */
  readonly byExperiment: PersistentMap<readonly string[]>;
}
