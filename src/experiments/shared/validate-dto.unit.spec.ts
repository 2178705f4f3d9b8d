import 'reflect-metadata';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LedgerError } from '../../../domain/shared/ledger-error';
import { RecordEvaluationDto } from '../record-evaluation/record-evaluation.dto';
import { RecordRejectionDto } from '../record-rejection/record-rejection.dto';
import { StartCycleDto } from '../start-cycle/start-cycle.dto';
import { validateDto } from './validate-dto';

const evaluation = {
  experimentId: 'exp-1', cycle: 1, candidateId: 'exp-1.c01.000', accuracy: 0.5, loss: 1.1, params: 100,
  dataset: { id: 'fashion-mnist', contentHash: 'h' }, protocolHash: 'p', seed: 1, device: 'cpu',
  libraries: { torch: '1.13.1' }, timings: { train: 2.5 }, structuralFingerprint: null,
};

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof LedgerError && error.code === 'BAD_INPUT', String(error));
    return error.details!['problems'] as string[];
  }
  assert.fail('expected BAD_INPUT');
}

describe('command DTO validation', () => {
  it('passes a valid evaluation through as plain data', () => {
    const dto = validateDto(RecordEvaluationDto, evaluation);
    assert.deepEqual(dto, evaluation);
    assert.equal(Object.getPrototypeOf(dto), Object.prototype);
  });

  it('lists every problem at once, nested ones with their path', () => {
    const problems = problemsOf(() => validateDto(RecordEvaluationDto, {
      ...evaluation, accuracy: 1.2, libraries: { torch: 1 }, dataset: { id: '' }, extra: true,
    }));
    for (const field of ['accuracy', 'libraries', 'dataset.id', 'dataset.contentHash', 'extra']) {
      assert.ok(problems.some((p) => p.startsWith(`${field}:`)), `${field} missing from ${problems.join(' | ')}`);
    }
  });

  it('refuses an unknown rejection stage and a missing nullable field', () => {
    const problems = problemsOf(() => validateDto(RecordRejectionDto, {
      experimentId: 'exp-1', cycle: 1, candidateId: 'exp-1.c01.000', stage: 'lint', reason: 'x', params: null,
    }));
    assert.ok(problems.some((p) => p.startsWith('stage:')));
    assert.ok(problems.some((p) => p.startsWith('device:')));
  });

  it('refuses ids with spaces and input that is not an object', () => {
    assert.ok(problemsOf(() => validateDto(StartCycleDto, { experimentId: 'my exp', cycle: 1, candidatesPlanned: 2 }))
      .some((p) => p.startsWith('experimentId:')));
    assert.throws(() => validateDto(StartCycleDto, [1, 2]), /must be an object/);
  });
});
