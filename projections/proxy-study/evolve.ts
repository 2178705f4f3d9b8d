import type { RecordedEvent } from '../../domain/shared/event-envelope';
import type { LedgerEventType } from '../../domain/experiment/events';
import type { Projection } from '../shared/projection';
import { emptyMap, get, set } from '../shared/persistent-map';
import { asLedgerEvent } from '../shared/ledger-event';
import type { TrainingOutcome } from '../../domain/study/proxy-study.events';
import type { ProxyStudyView, RecordedTraining, StudyRecord } from './view';

/** 1: studies with their selection, full trainings and proxy re-runs, each with its event's position. */
export const PROXY_STUDY_VERSION = '1';

export const proxyStudyHandledTypes: readonly LedgerEventType[] = ['ProxyStudyStarted', 'FullTrainRecorded', 'ProxyRerunRecorded', 'ProxyStudyCompleted'];

export function initialProxyStudyView(): ProxyStudyView {
  return { studies: emptyMap(), byExperiment: emptyMap() };
}

function training(recorded: RecordedEvent, data: TrainingOutcome): RecordedTraining {
  const { ok, accuracy, loss, stage, reason, protocolHash, device, durationMs } = data;
  return { ok, accuracy, loss, stage, reason, protocolHash, device, durationMs, position: recorded.globalPosition };
}

/** Replaces one study (a result of a study the view never saw start, from a truncated import, is ignored). */
function withStudy(view: ProxyStudyView, studyId: string, change: (study: StudyRecord) => StudyRecord): ProxyStudyView {
  const study = get(view.studies, studyId);
  return study ? { ...view, studies: set(view.studies, studyId, change(study)) } : view;
}

export function evolveProxyStudy(view: ProxyStudyView, recorded: RecordedEvent): ProxyStudyView {
  const event = asLedgerEvent(recorded);
  if (!event) return view;
  switch (event.type) {
    case 'ProxyStudyStarted': {
      const d = event.data;
      const study: StudyRecord = {
        studyId: d.studyId, experimentId: d.experimentId, from: d.from, topK: d.topK, candidates: d.candidates, training: d.training, poolSize: d.poolSize,
        requestedBy: d.requestedBy, toolVersion: d.toolVersion, status: 'started', startedAt: recorded.metadata.recordedAt,
        startedPosition: recorded.globalPosition, completedAt: null, lastPosition: recorded.globalPosition, fullTrains: {}, reruns: {},
      };
      return {
        studies: set(view.studies, d.studyId, study),
        byExperiment: set(view.byExperiment, d.experimentId, [...get(view.byExperiment, d.experimentId) ?? [], d.studyId]),
      };
    }
    case 'FullTrainRecorded':
      return withStudy(view, event.data.studyId, (s) => ({
        ...s, lastPosition: recorded.globalPosition, fullTrains: { ...s.fullTrains, [event.data.candidateId]: training(recorded, event.data) },
      }));
    case 'ProxyRerunRecorded': {
      const { candidateId, seed } = event.data;
      return withStudy(view, event.data.studyId, (s) => ({
        ...s, lastPosition: recorded.globalPosition,
        reruns: { ...s.reruns, [candidateId]: { ...s.reruns[candidateId], [String(seed)]: training(recorded, event.data) } },
      }));
    }
    case 'ProxyStudyCompleted':
      return withStudy(view, event.data.studyId, (s) => ({ ...s, status: 'completed', completedAt: recorded.metadata.recordedAt, lastPosition: recorded.globalPosition }));
    default:
      return view; // every other event: a study reads the experiment's, they do not change a study
  }
}

export const proxyStudyProjection: Projection<ProxyStudyView> = {
  name: 'proxy-study',
  codeVersion: PROXY_STUDY_VERSION,
  handledEventTypes: proxyStudyHandledTypes,
  initialView: initialProxyStudyView,
  evolve: evolveProxyStudy,
};
