import { handleCommand } from '../../src/ledger/handle-command';
import type { EventStore } from '../../src/ledger/event-store.port';
import { completeProxyStudy, startProxyStudy } from '../../src/studies/proxy-study-commands';
import { proxyStudyDecider } from '../../domain/study/proxy-study.decider';
import { proxyStudyCommandIds, studyStreamId, type TrainingOutcome } from '../../domain/study/proxy-study.events';

export interface ChosenStudy {
  readonly studyId: string;
  readonly experimentId: string;
  /** Full-training accuracy of each selected candidate, best proxy accuracy first; the top-k is its length. */
  readonly full: readonly number[];
  /** Per selected candidate, what each proxy re-run adds to its recorded proxy accuracy. */
  readonly rerunShift: readonly (readonly number[])[];
  readonly proxySeeds: readonly number[];
}

const outcome = (accuracy: number): TrainingOutcome =>
  ({ ok: true, accuracy, loss: 0.5, stage: 'passed', reason: null, protocolHash: 'chosen-in-spec', device: 'cpu', durationMs: 1 });

/**
 * A completed proxy study WITHOUT PyTorch: written through the path the study driver and the agents use
 * (startProxyStudy, handleCommand with the proxy-study decider per training, completeProxyStudy) on the experiment's
 * best CandidateEvaluated events, with the chosen accuracies standing in for real trainings. For read-side specs only.
 * Returns the selected candidates (best proxy first).
 */
export async function recordChosenStudy(store: EventStore, study: ChosenStudy): Promise<{ candidateId: string; proxyAccuracy: number }[]> {
  const { studyId, experimentId } = study;
  const evaluated = (await store.readAll())
    .filter((e) => e.type === 'CandidateEvaluated' && (e.data as { experimentId: string }).experimentId === experimentId)
    .map((e) => {
      const data = e.data as { candidateId: string; accuracy: number };
      return { candidateId: data.candidateId, proxyAccuracy: data.accuracy, evaluatedAt: e.globalPosition };
    })
    .sort((a, b) => b.proxyAccuracy - a.proxyAccuracy);
  const selected = evaluated.slice(0, study.full.length);
  if (selected.length < study.full.length) throw new Error(`${experimentId} evaluated ${selected.length} candidates, the study needs ${study.full.length}`);
  const writer = { actor: 'study/spec' };
  await startProxyStudy(store, {
    studyId, experimentId, from: 'valid', topK: selected.length, candidates: selected, poolSize: evaluated.length, requestedBy: 'spec', toolVersion: '0.1.0',
    training: { epochs: 2, proxySeeds: [...study.proxySeeds], dataset: 'fashion-mnist', protocol: 'fast', subset: 256, valSubset: 256, device: 'cpu', threads: 1 },
  }, writer);
  const meta = (commandId: string) => ({ commandId, correlationId: `study:${studyId}`, causationId: null, actor: writer.actor });
  for (const [i, c] of selected.entries()) {
    const base = { studyId, experimentId, candidateId: c.candidateId };
    await handleCommand(store, studyStreamId(studyId), proxyStudyDecider, { type: 'RecordFullTrain', data: { ...base, epochs: 2, ...outcome(study.full[i]!) } },
      meta(proxyStudyCommandIds.fullTrain(studyId, c.candidateId)));
    for (const [k, seed] of study.proxySeeds.entries()) {
      await handleCommand(store, studyStreamId(studyId), proxyStudyDecider,
        { type: 'RecordProxyRerun', data: { ...base, seed, ...outcome(c.proxyAccuracy + (study.rerunShift[i]?.[k] ?? 0)) } },
        meta(proxyStudyCommandIds.proxyRerun(studyId, c.candidateId, seed)));
    }
  }
  await completeProxyStudy(store, studyId, writer);
  return selected.map(({ candidateId, proxyAccuracy }) => ({ candidateId, proxyAccuracy }));
}
