import { describe, it } from 'node:test';
import { deciderSpecification } from '../../tests/support/decider-specification';
import { candidateDecider } from './candidate.decider';
import type { AdmissionRules } from './candidate.commands';
import type { CandidateEvaluated, CandidateEvent, CandidateGenerated, NoveltyAssessed } from '../experiment/events';

const spec = deciderSpecification(candidateDecider);
const experimentId = 'exp-1';
const candidateId = 'exp-1.c01.003';
const codeHash = 'abcdef0123456789ffff';
const rules: AdmissionRules = {
  threshold: 0.4, structuralBlocks: false, ablations: { noNovelty: false, noThreshold: false, noIteration: false },
};
const withAblation = (name: keyof AdmissionRules['ablations']): AdmissionRules => ({ ...rules, ablations: { ...rules.ablations, [name]: true } });

const generatedData: CandidateGenerated['data'] = {
  experimentId, cycle: 1, candidateId, index: 3, code: 'class Net: ...', codeHash,
  generator: { id: 'grammar', version: 'v0' }, promptHash: 'p', decoding: { temperature: 0.2, topK: 50, topP: 0.9, maxNewTokens: 2048 },
  seed: 7, outputTokens: 120, parent: null,
};
const generated: CandidateEvent = { type: 'CandidateGenerated', data: generatedData };
const evaluationData = (accuracy: number): CandidateEvaluated['data'] => ({
  experimentId, cycle: 1, candidateId, accuracy, loss: 1.2, params: 1000, dataset: { id: 'cifar10', contentHash: 'd' },
  protocolHash: 'proto', seed: 1, device: 'cpu', libraries: { torch: '1.13.1' }, timings: { total: 3 }, structuralFingerprint: 'fp',
});
const evaluated = (accuracy: number): CandidateEvent => ({ type: 'CandidateEvaluated', data: evaluationData(accuracy) });
const noveltyData = (flags: Partial<NoveltyAssessed['data']> = {}): NoveltyAssessed['data'] => ({
  experimentId, cycle: 1, candidateId, jTrain: 0.4, jGen: 0.2, nearestTrainId: 'seed:a', nearestGenId: null,
  nearDupTextTrain: false, nearDupTextGen: false, rejectionCount: 0, structuralFingerprint: 'fp', structuralDuplicateOf: null,
  signature: 'AAAA', ...flags,
});
const assessed = (flags: Partial<NoveltyAssessed['data']> = {}): CandidateEvent => ({ type: 'NoveltyAssessed', data: noveltyData(flags) });
const decideAdmission = (r: AdmissionRules = rules) => ({ type: 'DecideAdmission' as const, data: { experimentId, candidateId, rules: r } });
const admitted = (accuracy: number): CandidateEvent =>
  ({ type: 'CandidateAdmitted', data: { experimentId, cycle: 1, candidateId, architectureId: 'arch-abcdef012345', accuracy, codeHash } });
const notAdmitted = (reason: 'below_threshold' | 'near_duplicate' | 'structural_duplicate', accuracy: number): CandidateEvent =>
  ({ type: 'CandidateNotAdmitted', data: { experimentId, cycle: 1, candidateId, reason, accuracy } });

describe('a candidate not yet generated', () => {
  it('records its generation', () => spec([]).when({ type: 'RecordGenerated', data: generatedData }).then([generated]));

  it('refuses an id that does not match experiment, cycle and index', () =>
    spec([]).when({ type: 'RecordGenerated', data: { ...generatedData, index: 4 } }).thenRefused('REFUSED', /exp-1\.c01\.004/));

  it('knows nothing to evaluate', () =>
    spec([]).when({ type: 'RecordEvaluation', data: evaluationData(0.5) }).thenRefused('NOT_FOUND', /never generated/));
});

describe('a generated candidate', () => {
  it('refuses a second generation', () =>
    spec([generated]).when({ type: 'RecordGenerated', data: generatedData }).thenRefused('REFUSED', /already generated/));

  it('records a rejection with its stage', () => {
    const data = { experimentId, cycle: 1, candidateId, stage: 'forward' as const, reason: 'shape', params: 10, device: 'cpu' };
    spec([generated]).when({ type: 'RecordRejection', data }).then([{ type: 'CandidateRejected', data }]);
  });

  it('refuses an unknown rejection stage', () =>
    spec([generated]).when({
      type: 'RecordRejection',
      data: { experimentId, cycle: 1, candidateId, stage: 'lint' as never, reason: 'x', params: null, device: null },
    }).thenRefused('REFUSED', /unknown rejection stage/));

  it('records its evaluation', () =>
    spec([generated]).when({ type: 'RecordEvaluation', data: evaluationData(0.5) }).then([evaluated(0.5)]));

  it('refuses an accuracy outside [0, 1]', () =>
    spec([generated]).when({ type: 'RecordEvaluation', data: evaluationData(1.5) }).thenRefused('REFUSED', /accuracy/));

  it('records novelty before evaluation as well', () =>
    spec([generated]).when({ type: 'RecordNovelty', data: noveltyData() }).then([assessed()]));

  it('refuses admission without an evaluation', () =>
    spec([generated]).when(decideAdmission()).thenRefused('REFUSED', /no evaluation/));

  it('refuses a command addressed to another candidate', () =>
    spec([generated]).when({ type: 'RecordNovelty', data: { ...noveltyData(), candidateId: 'exp-1.c01.004' } })
      .thenRefused('REFUSED', /sent to the stream/));
});

describe('a candidate that was evaluated', () => {
  const given = [generated, evaluated(0.55)];
  it('refuses admission without a novelty verdict', () =>
    spec(given).when(decideAdmission()).thenRefused('REFUSED', /no novelty verdict/));

  it('admits without a novelty verdict under the no-novelty ablation', () =>
    spec(given).when(decideAdmission(withAblation('noNovelty'))).then([admitted(0.55)]));

  it('refuses a rejection after evaluation', () =>
    spec(given).when({
      type: 'RecordRejection', data: { experimentId, cycle: 1, candidateId, stage: 'train', reason: 'x', params: null, device: null },
    }).thenRefused('REFUSED', /cannot be rejected afterwards/));

  it('refuses a second evaluation', () =>
    spec(given).when({ type: 'RecordEvaluation', data: evaluationData(0.6) }).thenRefused('REFUSED', /already evaluated/));
});

describe('a candidate evaluated and assessed as novel', () => {
  it('is admitted at the threshold, with an architecture id from its code hash', () =>
    spec([generated, evaluated(0.4), assessed()]).when(decideAdmission()).then([admitted(0.4)]));

  it('is not admitted below the threshold', () =>
    spec([generated, evaluated(0.39), assessed()]).when(decideAdmission()).then([notAdmitted('below_threshold', 0.39)]));

  it('is admitted below the threshold under the no-threshold ablation', () =>
    spec([generated, evaluated(0.1), assessed()]).when(decideAdmission(withAblation('noThreshold'))).then([admitted(0.1)]));
});

describe('a candidate evaluated and assessed as a near-duplicate', () => {
  it('is not admitted when it duplicates the training corpus', () =>
    spec([generated, evaluated(0.6), assessed({ nearDupTextTrain: true, jTrain: 0.95 })]).when(decideAdmission())
      .then([notAdmitted('near_duplicate', 0.6)]));

  it('is not admitted when it duplicates an earlier candidate of the cycle', () =>
    spec([generated, evaluated(0.6), assessed({ nearDupTextGen: true, jGen: 0.93 })]).when(decideAdmission())
      .then([notAdmitted('near_duplicate', 0.6)]));

  it('reports the threshold first when both rules block', () =>
    spec([generated, evaluated(0.2), assessed({ nearDupTextTrain: true })]).when(decideAdmission())
      .then([notAdmitted('below_threshold', 0.2)]));

  it('is admitted under the no-novelty ablation', () =>
    spec([generated, evaluated(0.6), assessed({ nearDupTextTrain: true })]).when(decideAdmission(withAblation('noNovelty')))
      .then([admitted(0.6)]));
});

describe('a candidate assessed as a structural duplicate', () => {
  const given = [generated, evaluated(0.6), assessed({ structuralDuplicateOf: 'arch-000000000000' })];
  it('is admitted when structure does not block (the paper)', () =>
    spec(given).when(decideAdmission()).then([admitted(0.6)]));

  it('is not admitted when structural duplicates block', () =>
    spec(given).when(decideAdmission({ ...rules, structuralBlocks: true })).then([notAdmitted('structural_duplicate', 0.6)]));
});

describe('a decided candidate', () => {
  const rejection: CandidateEvent = {
    type: 'CandidateRejected', data: { experimentId, cycle: 1, candidateId, stage: 'parse', reason: 'x', params: null, device: null },
  };
  it('refuses evaluation once rejected', () =>
    spec([generated, rejection]).when({ type: 'RecordEvaluation', data: evaluationData(0.5) }).thenRefused('REFUSED', /already rejected/));

  it('refuses a second admission decision once admitted', () =>
    spec([generated, evaluated(0.5), assessed(), admitted(0.5)]).when(decideAdmission()).thenRefused('REFUSED', /already admitted/));

  it('refuses novelty once not admitted', () =>
    spec([generated, evaluated(0.1), notAdmitted('below_threshold', 0.1)]).when({ type: 'RecordNovelty', data: noveltyData() })
      .thenRefused('REFUSED', /already not-admitted/));
});

describe('a generated candidate of cycle 1', () => {
  it('refuses a result recorded under another cycle', () =>
    spec([generated]).when({ type: 'RecordEvaluation', data: { ...evaluationData(0.5), cycle: 2 } })
      .thenRefused('REFUSED', /belongs to cycle 1, not 2/));
});
