import type { RecordedEvent } from '../../domain/shared/event-envelope';
import type { LedgerEventType } from '../../domain/experiment/events';
import type { Draft, Projection } from '../shared/projection';
import { asLedgerEvent } from '../shared/ledger-event';
import { editable, owned } from '../shared/transient';
import { assertNever } from '../shared/assert-never';
import { emptyMap, get, set, update, values } from '../shared/persistent-map';
import { emptyVector, get as rowAt, push, set as setAt } from '../shared/persistent-vector';
import type { CandidateRow, CandidatesView, CycleCandidates, ExperimentCandidates } from './view';

/** 2: per-cycle persistent vectors of rows, found through per-cycle persistent maps (evolve became pure). 3: rejectionMessage. */
export const CANDIDATES_VERSION = '3';

export const candidatesHandledTypes: readonly LedgerEventType[] = [
  'ExperimentRegistered', 'CandidateGenerated', 'CandidateRejected', 'CandidateEvaluated', 'NoveltyAssessed',
  'CandidateAdmitted', 'CandidateNotAdmitted',
];

export function initialCandidatesView(): CandidatesView {
  return { experiments: emptyMap() };
}

export function evolveCandidates(view: CandidatesView, recorded: RecordedEvent): CandidatesView {
  const event = asLedgerEvent(recorded);
  if (!event) return view;
  switch (event.type) {
    case 'ExperimentRegistered':
      return { experiments: set(view.experiments, event.data.experimentId, { latest: null, earlier: emptyMap() }) };
    case 'CandidateGenerated': {
      const { candidateId, cycle, index } = event.data;
      const row: CandidateRow = owned({
        candidateId, cycle, index, status: 'generated', stage: null, accuracy: null, jTrain: null, admitted: false,
        architectureId: null, notAdmittedReason: null, rejectionMessage: null,
      });
      return changeExperiment(view, event.data.experimentId, (experiment) => {
        const stored = partitionOf(experiment, cycle);
        const partition = stored ? editable(stored, copyPartition) : owned({ cycle, rows: emptyVector<CandidateRow>(), positions: emptyMap<number>() });
        const at = get(partition.positions, candidateId);
        // Generated again (the candidate's stream starts only once, so not in a real ledger): the new row takes the old one's place.
        if (at === undefined) {
          partition.positions = set(partition.positions, candidateId, partition.rows.length);
          partition.rows = push(partition.rows, row);
        } else partition.rows = setAt(partition.rows, at, row);
        return withPartition(experiment, partition);
      });
    }
    case 'CandidateRejected': {
      const { stage, reason } = event.data;
      return updateRow(view, event.data, (row) => { row.status = 'rejected'; row.stage = stage; row.rejectionMessage = reason; });
    }
    case 'CandidateEvaluated': {
      const { accuracy } = event.data;
      return updateRow(view, event.data, (row) => { row.status = 'evaluated'; row.accuracy = accuracy; });
    }
    case 'NoveltyAssessed': {
      const { jTrain } = event.data;
      return updateRow(view, event.data, (row) => { row.status = 'assessed'; row.jTrain = jTrain; });
    }
    case 'CandidateAdmitted': {
      const { architectureId } = event.data;
      return updateRow(view, event.data, (row) => { row.status = 'admitted'; row.admitted = true; row.architectureId = architectureId; });
    }
    case 'CandidateNotAdmitted': {
      const { reason } = event.data;
      return updateRow(view, event.data, (row) => { row.status = 'not_admitted'; row.notAdmittedReason = reason; });
    }
    case 'CorpusSeeded': case 'CycleStarted': case 'GeneratorFineTuneRequested': case 'GeneratorFineTuned':
    case 'GeneratorFineTuneSkipped': case 'CycleCompleted': case 'ExperimentCompleted': case 'ExperimentFailed':
    case 'JobClaimed': case 'JobFailed':
    case 'ReviewStarted': case 'CandidateReviewed': case 'ReviewCompleted':
    case 'ProxyStudyStarted': case 'FullTrainRecorded': case 'ProxyRerunRecorded': case 'ProxyStudyCompleted':
      return view;
    default:
      return assertNever(event, 'candidates');
  }
}

/** Events of an experiment the view never saw registered are ignored rather than invented. */
function changeExperiment(view: CandidatesView, experimentId: string,
  change: (experiment: ExperimentCandidates) => ExperimentCandidates): CandidatesView {
  const experiments = update(view.experiments, experimentId, (experiment) => experiment && change(experiment));
  return experiments === view.experiments ? view : { experiments };
}

/** Events of a candidate the view never saw generated are ignored, too. */
function updateRow(view: CandidatesView, ids: { readonly experimentId: string; readonly cycle: number; readonly candidateId: string },
  change: (row: Draft<CandidateRow>) => void): CandidatesView {
  return changeExperiment(view, ids.experimentId, (experiment) => {
    let partition = partitionOf(experiment, ids.cycle);
    let at = partition && get(partition.positions, ids.candidateId);
    if (at === undefined) [partition, at] = findElsewhere(experiment, ids.candidateId);
    if (!partition || at === undefined) return experiment;
    const stored = rowAt(partition.rows, at)!;
    const row = editable(stored, copyOf);
    change(row);
    // A row edited in place (inside a transient fold that created it) is already where it belongs.
    if (row === stored) return experiment;
    const edited = editable(partition, copyPartition);
    edited.rows = setAt(partition.rows, at, row);
    return withPartition(experiment, edited);
  });
}

function partitionOf(experiment: ExperimentCandidates, cycle: number): CycleCandidates | undefined {
  return experiment.latest?.cycle === cycle ? experiment.latest : get(experiment.earlier, String(cycle));
}

/** An event whose cycle disagrees with its CandidateGenerated: its row is in another cycle's partition, if any. */
function findElsewhere(experiment: ExperimentCandidates, candidateId: string): [CycleCandidates | undefined, number | undefined] {
  for (const partition of partitionsOf(experiment)) {
    const at = get(partition.positions, candidateId);
    if (at !== undefined) return [partition, at];
  }
  return [undefined, undefined];
}

export function partitionsOf(experiment: ExperimentCandidates): CycleCandidates[] {
  const earlier = values(experiment.earlier);
  return experiment.latest ? [...earlier, experiment.latest] : earlier;
}

function withPartition(experiment: ExperimentCandidates, partition: CycleCandidates): ExperimentCandidates {
  const { latest, earlier } = experiment;
  if (latest === partition) return experiment;
  const next = editable(experiment, (e) => ({ latest: e.latest, earlier: e.earlier }));
  if (!latest || latest.cycle === partition.cycle) next.latest = partition;
  else if (partition.cycle > latest.cycle) {
    next.latest = partition;
    next.earlier = set(earlier, String(latest.cycle), latest);
  } else next.earlier = set(earlier, String(partition.cycle), partition);
  return next;
}

function copyPartition(p: CycleCandidates): Draft<CycleCandidates> {
  return { cycle: p.cycle, rows: p.rows, positions: p.positions };
}

function copyOf(r: CandidateRow): Draft<CandidateRow> {
  return {
    candidateId: r.candidateId, cycle: r.cycle, index: r.index, status: r.status, stage: r.stage, accuracy: r.accuracy,
    jTrain: r.jTrain, admitted: r.admitted, architectureId: r.architectureId, notAdmittedReason: r.notAdmittedReason,
    rejectionMessage: r.rejectionMessage,
  };
}

export const candidatesProjection: Projection<CandidatesView> = {
  name: 'candidates',
  codeVersion: CANDIDATES_VERSION,
  handledEventTypes: candidatesHandledTypes,
  initialView: initialCandidatesView,
  evolve: evolveCandidates,
};
