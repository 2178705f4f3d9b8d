import type { RecordedEvent } from '../../domain/shared/event-envelope';
import type { LedgerEventType } from '../../domain/experiment/events';
import type { Projection } from '../shared/projection';
import { asLedgerEvent } from '../shared/ledger-event';
import { assertNever } from '../shared/assert-never';
import { emptyMap, get, set } from '../shared/persistent-map';
import type { CandidateRecord, CandidateRecordsView } from './view';

export const CANDIDATE_RECORDS_VERSION = '1';

export const candidateRecordsHandledTypes: readonly LedgerEventType[] = [
  'CandidateGenerated', 'CandidateRejected', 'CandidateEvaluated', 'NoveltyAssessed', 'CandidateAdmitted', 'CandidateNotAdmitted',
];

export function initialCandidateRecordsView(): CandidateRecordsView {
  return { records: emptyMap() };
}

/** Records are small and change a few times each: a changed record is copied whole, the map along one path. */
export function evolveCandidateRecords(view: CandidateRecordsView, recorded: RecordedEvent): CandidateRecordsView {
  const event = asLedgerEvent(recorded);
  if (!event) return view;
  const at = { position: recorded.globalPosition, time: recorded.metadata.recordedAt };
  switch (event.type) {
    case 'CandidateGenerated': {
      const d = event.data;
      const record: CandidateRecord = {
        experimentId: d.experimentId, candidateId: d.candidateId, cycle: d.cycle, index: d.index, status: 'generated',
        lastPosition: at.position, generatedAt: recorded.metadata.recordedAt, updatedAt: recorded.metadata.recordedAt,
        generation: {
          generatorId: d.generator.id, generatorVersion: d.generator.version, codeHash: d.codeHash, promptHash: d.promptHash,
          seed: d.seed, outputTokens: d.outputTokens, temperature: d.decoding.temperature, topK: d.decoding.topK,
          topP: d.decoding.topP, maxNewTokens: d.decoding.maxNewTokens, parentEntryId: d.parent?.entryId ?? null,
        },
        rejection: null, evaluation: null, novelty: null, admission: null,
      };
      return { records: set(view.records, d.candidateId, record) };
    }
    case 'CandidateRejected': {
      const { stage, reason, params, device } = event.data;
      return change(view, event.data.candidateId, at, { status: 'rejected', rejection: { stage, message: reason, params, device } });
    }
    case 'CandidateEvaluated': {
      const d = event.data;
      return change(view, d.candidateId, at, {
        status: 'evaluated',
        evaluation: {
          accuracy: d.accuracy, loss: d.loss, params: d.params, flops: d.flops ?? null, datasetId: d.dataset.id,
          datasetHash: d.dataset.contentHash, protocolHash: d.protocolHash, seed: d.seed, device: d.device,
          libraries: d.libraries, timings: d.timings, structuralFingerprint: d.structuralFingerprint,
          measuredBy: d.measurement?.by ?? null, selfReported: d.measurement?.selfReported ?? [],
        },
      });
    }
    case 'NoveltyAssessed': {
      const d = event.data;
      return change(view, d.candidateId, at, {
        status: 'assessed',
        novelty: {
          jTrain: d.jTrain, nearestTrainId: d.nearestTrainId, jGen: d.jGen, nearestGenId: d.nearestGenId,
          nearDupTextTrain: d.nearDupTextTrain, nearDupTextGen: d.nearDupTextGen, structuralDuplicateOf: d.structuralDuplicateOf,
        },
      });
    }
    case 'CandidateAdmitted':
      return change(view, event.data.candidateId, at, {
        status: 'admitted', admission: { admitted: true, architectureId: event.data.architectureId, notAdmittedReason: null },
      });
    case 'CandidateNotAdmitted':
      return change(view, event.data.candidateId, at, {
        status: 'not_admitted', admission: { admitted: false, architectureId: null, notAdmittedReason: event.data.reason },
      });
    case 'ExperimentRegistered': case 'CorpusSeeded': case 'CycleStarted': case 'GeneratorFineTuneRequested':
    case 'GeneratorFineTuned': case 'GeneratorFineTuneSkipped': case 'CycleCompleted': case 'ExperimentCompleted':
    case 'ExperimentFailed': case 'JobClaimed': case 'JobFailed':
    case 'ReviewStarted': case 'CandidateReviewed': case 'ReviewCompleted':
    case 'ProxyStudyStarted': case 'FullTrainRecorded': case 'ProxyRerunRecorded': case 'ProxyStudyCompleted':
      return view;
    default:
      return assertNever(event, 'candidate-records');
  }
}

/** An event of a candidate never seen generated is ignored rather than invented. */
function change(view: CandidateRecordsView, candidateId: string, at: { position: number; time: string },
  fields: Partial<CandidateRecord>): CandidateRecordsView {
  const record = get(view.records, candidateId);
  if (!record) return view;
  return { records: set(view.records, candidateId, { ...record, ...fields, lastPosition: at.position, updatedAt: at.time }) };
}

export const candidateRecordsProjection: Projection<CandidateRecordsView> = {
  name: 'candidate-records',
  codeVersion: CANDIDATE_RECORDS_VERSION,
  handledEventTypes: candidateRecordsHandledTypes,
  initialView: initialCandidateRecordsView,
  evolve: evolveCandidateRecords,
};
