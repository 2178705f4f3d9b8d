import { LedgerError } from '../../../domain/shared/ledger-error';
import { streamIds } from '../../../domain/experiment/events';
import { experimentIdOf, isEvent } from '../../../domain/experiment/ledger-event';
import { corpusProjection } from '../../../projections/corpus/evolve';
import { corpusOf } from '../../../projections/corpus/query';
import type { CorpusMember } from '../../../projections/corpus/view';
import { candidateRecordsProjection } from '../../../projections/candidate-records/evolve';
import { candidateRecordOf } from '../../../projections/candidate-records/query';
import type { CandidateRecord } from '../../../projections/candidate-records/view';
import { toArray } from '../../../projections/shared/persistent-vector';
import { describeAsOf, type AsOf } from '../../../projections/shared/as-of';
import type { AsOfInfo } from '../query-result';
import type { ProjectionRunner } from '../projection-runner';
import { diffOf, entryCode } from './entry-code';

/** The whole record of a candidate, an admitted architecture or a seed entry, as `show` prints it. */
export interface ShownRecord extends AsOfInfo {
  readonly id: string;
  readonly kind: 'candidate' | 'architecture' | 'seed-entry';
  readonly experimentId: string;
  readonly candidateId: string | null;
  readonly architectureId: string | null;
  /** The corpus entry id when it is (or became) a corpus member: `seed:…` or the admitted candidate's id. */
  readonly entryId: string | null;
  readonly name: string | null;
  readonly cycle: number | null;
  readonly index: number | null;
  readonly status: string;
  readonly code: string;
  readonly codeHash: string;
  /** A seed entry's recorded accuracy (a candidate's is in `evaluation`). */
  readonly seedAccuracy: number | null;
  readonly generation: CandidateRecord['generation'] | null;
  /** Delta generation: the parent entry, its code and the recorded diff that turned it into this program. */
  readonly parent: { readonly entryId: string; readonly codeHash: string | null; readonly code: string | null; readonly diff: string } | null;
  readonly evaluation: CandidateRecord['evaluation'];
  readonly novelty: CandidateRecord['novelty'];
  /** The nearest training-corpus entry at assessment, its Jaccard similarity and the diff from it to this program. */
  readonly nearest: { readonly entryId: string; readonly jaccard: number; readonly codeHash: string | null; readonly diff: string | null } | null;
  readonly rejection: CandidateRecord['rejection'];
  readonly admission: CandidateRecord['admission'];
}

interface Subject { readonly experimentId: string; readonly candidateId: string | null; readonly member: CorpusMember | null }

export async function readRecord(runner: ProjectionRunner, id: string, asOf: AsOf, experimentFilter?: string): Promise<ShownRecord> {
  const store = runner.store;
  const subject = await findSubject(runner, id, experimentFilter);
  const { experimentId } = subject;
  const position = await runner.resolvePosition(asOf, experimentId);
  const head = await store.head();
  const notYet = () => new LedgerError('NOT_FOUND', `"${id}" did not exist yet at ${describeAsOf(asOf)} (position ${position})`,
    'Pick a later as-of point, or leave it out for the head.', { id, position });
  const experimentStream = await store.readStream(streamIds.experiment(experimentId));
  const members = corpusOf((await runner.viewAt(corpusProjection, position)).view, experimentId)?.members ?? [];
  const base = { id, experimentId, asOf, position, head };

  if (subject.candidateId === null) {
    const member = members.find((m) => m.entryId === id);
    const code = member && await entryCode(store, experimentStream, members, id, position);
    if (!member || !code) throw notYet();
    return {
      ...base, kind: 'seed-entry', candidateId: null, architectureId: null, entryId: id, name: member.name, cycle: null, index: null,
      status: 'seed', code: code.code, codeHash: code.codeHash, seedAccuracy: member.accuracy, generation: null, parent: null,
      evaluation: null, novelty: null, nearest: null, rejection: null, admission: null,
    };
  }
  const record = candidateRecordOf((await runner.viewAt(candidateRecordsProjection, position)).view, subject.candidateId);
  const [generated] = (await store.readStream(streamIds.candidate(subject.candidateId), { to: 0 })).filter((e) => e.globalPosition <= position);
  if (!record || !generated || !isEvent(generated, 'CandidateGenerated')) throw notYet();
  if (subject.member && !record.admission?.admitted) throw notYet();
  const { code, codeHash, parent } = generated.data;
  const parentCode = parent ? await entryCode(store, experimentStream, members, parent.entryId, position) : null;
  const nearestId = record.novelty?.nearestTrainId ?? null;
  const nearestCode = nearestId ? await entryCode(store, experimentStream, members, nearestId, position) : null;
  return {
    ...base, kind: subject.member ? 'architecture' : 'candidate', candidateId: record.candidateId,
    architectureId: record.admission?.architectureId ?? null, entryId: record.admission?.admitted ? record.candidateId : null,
    name: record.admission?.architectureId ?? null, cycle: record.cycle, index: record.index, status: record.status, code, codeHash,
    seedAccuracy: null, generation: record.generation,
    parent: parent ? { entryId: parent.entryId, codeHash: parentCode?.codeHash ?? null, code: parentCode?.code ?? null, diff: parent.diff } : null,
    evaluation: record.evaluation, novelty: record.novelty,
    nearest: nearestId && record.novelty ? {
      entryId: nearestId, jaccard: record.novelty.jTrain, codeHash: nearestCode?.codeHash ?? null,
      diff: nearestCode ? diffOf(nearestCode.code, code, `a/${nearestId}.py`, `b/${record.candidateId}.py`) : null,
    } : null,
    rejection: record.rejection, admission: record.admission,
  };
}

/** Which experiment (and candidate) an id names, found at the head; an id in several experiments needs --experiment. */
async function findSubject(runner: ProjectionRunner, id: string, experimentFilter: string | undefined): Promise<Subject> {
  const [first] = await runner.store.readStream(streamIds.candidate(id), { to: 0 });
  const candidateExperiment = first ? experimentIdOf(first) : null;
  if (candidateExperiment !== null && (experimentFilter === undefined || experimentFilter === candidateExperiment)) {
    return { experimentId: candidateExperiment, candidateId: id, member: null };
  }
  const { view } = await runner.viewAsOf(corpusProjection, { kind: 'head' });
  const matches: Subject[] = [];
  for (const corpus of Object.values(view.experiments)) {
    if (experimentFilter !== undefined && corpus.experimentId !== experimentFilter) continue;
    for (const member of toArray(corpus.members)) {
      if (member.source === 'seed' && member.entryId === id) matches.push({ experimentId: corpus.experimentId, candidateId: null, member });
      if (member.source === 'admitted' && member.architectureId === id) matches.push({ experimentId: corpus.experimentId, candidateId: member.candidateId, member });
    }
  }
  if (matches.length === 0) {
    throw new LedgerError('NOT_FOUND', `no candidate, architecture or seed corpus entry "${id}" in the ledger${experimentFilter ? ` (experiment ${experimentFilter})` : ''}`,
      'Use a candidate id (`nas-ledger candidates <experiment>`), an architecture id (arch-…) or a seed entry id (seed:…) from `nas-ledger corpus <experiment>`.',
      { id });
  }
  if (matches.length > 1) {
    const experiments = matches.map((m) => m.experimentId);
    throw new LedgerError('BAD_INPUT', `"${id}" names entries in ${matches.length} experiments: ${experiments.join(', ')}`,
      'Say which with --experiment <id> (HTTP: ?experiment=).', { id, experiments });
  }
  return matches[0]!;
}
