import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LedgerError } from '../../domain/shared/ledger-error';
import {
  cleanReason,
  RunnerProtocolError, parseReply, runnerErrorToLedgerError, validateHello, validateResult,
} from '../../gpu-agent/runner-pool/runner-protocol';

const hex = 'a'.repeat(64);
const result = {
  job: 'evaluate', ok: true, stage: 'passed', reason: null, accuracy: 0.5, loss: 1.2, params: 10, flops: 20, codeHash: hex,
  config: {}, protocol: {}, protocolHash: hex, dataset: 'fashion-mnist', datasetHash: hex, seed: 1, device: 'cpu',
  deviceName: 'cpu', libraries: { torch: '1.13' }, timings: { total: 1 }, sandbox: 'bwrap', sandboxNotes: [],
  output: { stdout: '', stderr: '', stdoutBytes: 0, stderrBytes: 0, truncated: false },
};

describe('runner protocol v1, agent side', () => {
  it('parses a well-formed reply and result', () => {
    const reply = parseReply(JSON.stringify({ v: 2, id: 'x', ok: true, result }));
    assert.equal(reply.ok, true);
    assert.equal(validateResult(reply.ok ? reply.result : null, 'evaluate').accuracy, 0.5);
  });

  const refused: [string, string][] = [
    ['another protocol version', JSON.stringify({ v: 1, id: 'x', ok: true, result })],
    ['an unknown top-level key', JSON.stringify({ v: 2, id: 'x', ok: true, result, extra: 1 })],
    ['a line that is not JSON', 'Traceback (most recent call last):'],
    ['a reply without ok', JSON.stringify({ v: 2, id: 'x', result })],
    ['an error with unknown keys', JSON.stringify({ v: 2, id: 'x', ok: false, error: { code: 'X', message: 'm', hint: null, trace: '' } })],
  ];
  for (const [what, line] of refused) {
    it(`refuses ${what}`, () => assert.throws(() => parseReply(line), RunnerProtocolError));
  }

  it('refuses results with unknown keys, a wrong job, or ok disagreeing with the stage', () => {
    assert.throws(() => validateResult({ ...result, surprise: 1 }, 'evaluate'), /unknown key "surprise"/);
    assert.throws(() => validateResult(result, 'validate'), /expected validate/);
    assert.throws(() => validateResult({ ...result, ok: false }, 'evaluate'), /ok disagrees/);
    assert.throws(() => validateResult({ ...result, stage: 'compile' }, 'evaluate'), /unknown stage/);
    assert.throws(() => validateResult({ ...result, accuracy: null }, 'evaluate'), /no accuracy/);
    assert.throws(() => validateResult({ ...result, codeHash: 'abc' }, 'evaluate'), /sha256/);
  });

  it('checks the greeting and maps runner errors onto LedgerError codes', () => {
    assert.throws(() => validateHello({ runner: 'other', protocolVersion: 2, pid: 1, sandbox: 'bwrap', sandboxWhy: null, libraries: {} }));
    assert.equal(validateHello({ runner: 'nas-ledger', protocolVersion: 2, pid: 1, sandbox: 'rlimits-only', sandboxWhy: 'no userns', libraries: {} }).sandbox, 'rlimits-only');
    const missing = runnerErrorToLedgerError({ code: 'DATASET_MISSING', message: 'no files', hint: 'put them' });
    assert.ok(missing instanceof LedgerError);
    assert.equal(missing.code, 'NOT_FOUND');
    assert.equal(runnerErrorToLedgerError({ code: 'BAD_REQUEST', message: 'x', hint: null }).code, 'BAD_INPUT');
    assert.equal(runnerErrorToLedgerError({ code: 'INTERNAL', message: 'x', hint: null }).code, 'INTERNAL');
  });
});

describe('cleanReason: the agent caps and cleans a rejection reason before it is recorded', () => {
  it('keeps at most 400 characters on one line, without control characters', () => {
    const reason = cleanReason('\u001b[31mred\u001b[0m\nline two\u202e' + 'x'.repeat(10_000));
    assert.equal(reason.length, 400);
    assert.ok(reason.startsWith('[31mred[0m line two'));
    assert.doesNotMatch(reason, /[\u0000-\u001f\u007f-\u009f\u202a-\u202e]/);
    assert.equal(cleanReason(null), 'no reason given');
  });
});
