import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { buildExperimentHistory } from '../support/ledger-fixtures';
import { seedStore } from '../support/seeded-store';
import { openEventStore } from '../../src/ledger/open-event-store';
import { commandEvents } from '../../src/ledger/handle-command';
import { streamIds } from '../../domain/experiment/events';
import { sha256Hex } from '../../domain/shared/canonical-json';
import { parseTolerance } from '../../src/cli/commands/review.command';
import { reviewScope } from '../../src/app/review-scope';
import { LedgerError } from '../../domain/shared/ledger-error';
import { allEvents, cli, scratchDir } from './review-cli-support';

const ID = 'bad-input-exp';
const NEVER_EVALUATED = `${ID}.c09.000`;

/**
 * Bad input to `nas-ledger review` on a fixture ledger (no PyTorch needed: every case is refused before a re-run):
 * each gets a typed error with its exit status and a hint, and nothing is written.
 */
describe('nas-ledger review: bad input gets a typed error, nothing is written', () => {
  const dir = scratchDir('review-bad');
  const store = join(dir, 'ledger');
  let evaluated = '';
  let scopeSize = 0;

  before(async () => {
    await seedStore(store, [buildExperimentHistory({ cycles: 2, candidatesPerCycle: 4, seed: 11, experimentId: ID })]);
    // A candidate that was generated and never evaluated (its run stopped before the runner got to it).
    const ledger = await openEventStore(store);
    try {
      const code = 'import torch\n';
      const data = {
        experimentId: ID, cycle: 2, candidateId: NEVER_EVALUATED, index: 0, code, codeHash: sha256Hex(code), generator: { id: 'grammar', version: 'v' },
        promptHash: 'p', decoding: { temperature: 1, topK: 0, topP: 1, maxNewTokens: 1 }, seed: 1, outputTokens: 1, parent: null,
      };
      await ledger.append(streamIds.candidate(NEVER_EVALUATED), commandEvents([{ type: 'CandidateGenerated', data }], { commandId: 'fixture', actor: 'test' }), 'no_stream');
      const events = await ledger.readAll();
      evaluated = (events.find((e) => e.type === 'CandidateEvaluated')!.data as { candidateId: string }).candidateId;
      scopeSize = reviewScope(ID, events, {}).candidates.length;
    } finally {
      await ledger.close();
    }
  });

  const cases: [string, () => string[], number, RegExp | (() => RegExp)][] = [
    ['an unknown experiment', () => ['review', 'no-such-experiment'], 3, /experiment no-such-experiment is not in this ledger/],
    ['an unknown candidate', () => ['review', ID, '--candidates', `${ID}.c01.999`], 3, /is not a candidate of bad-input-exp/],
    ['an unknown review', () => ['review', '--resume', 'no-such-review'], 3, /no review no-such-review/],
    ['a cycle the experiment does not have', () => ['review', ID, '--cycle', '9'], 3, /has no cycle 9/],
    ['a candidate that never reached evaluation', () => ['review', ID, '--candidates', NEVER_EVALUATED], 5, /never reached evaluation/],
    ['--tolerance not a number', () => ['review', ID, '--tolerance', 'abc'], 2, /--tolerance expects a number in \[0, 1\], got "abc"/],
    ['--tolerance above 1', () => ['review', ID, '--tolerance', '1.5'], 2, /--tolerance expects a number in \[0, 1\], got "1.5"/],
    ['--sample larger than the scope', () => ['review', ID, '--sample', String(scopeSize + 1)], 2,
      () => new RegExp(`--sample ${scopeSize + 1} is larger than the scope \\(${scopeSize} candidates\\)`)],
    ['--sample larger than a named scope', () => ['review', ID, '--candidates', evaluated, '--sample', '2'], 2, /larger than the scope \(1 candidates\)/],
    ['--device not a device', () => ['review', ID, '--device', 'tpu'], 2, /--device expects cpu, cuda or auto/],
    ['neither an experiment nor --resume', () => ['review'], 2, /review needs an experiment, or --resume/],
  ];

  for (const [what, args, status, message] of cases) {
    it(`${what}: exit ${status}, a message that says what to do, nothing written`, async () => {
      const before = (await allEvents(store)).length;
      const result = await cli([...args(), '--store', store], {}, 60_000);
      assert.equal(result.code, status, result.output);
      assert.match(result.output, typeof message === 'function' ? message() : message);
      assert.equal((await allEvents(store)).length, before, 'nothing written');
    });
  }

  it('a whole-experiment scope skips a never-evaluated candidate and says why', async () => {
    const scope = reviewScope(ID, await allEvents(store), {});
    assert.ok(scope.skipped.some((s) => s.candidateId === NEVER_EVALUATED && /never reached evaluation/.test(s.why)));
    assert.ok(!scope.candidates.some((c) => c.candidateId === NEVER_EVALUATED));
  });

  it('the same --sample seed draws the same candidates; another seed may not', async () => {
    const events = await allEvents(store);
    const draw = (seed: number) => reviewScope(ID, events, { sample: 2, seed }).candidates.map((c) => c.candidateId);
    assert.deepEqual(draw(7), draw(7));
    assert.equal(draw(7).length, 2);
    assert.ok([1, 2, 3, 4, 5, 6].some((s) => draw(s).join() !== draw(7).join()), 'the seed changes the sample');
  });

  it('parseTolerance accepts [0, 1] and refuses the rest with BAD_INPUT', () => {
    assert.equal(parseTolerance('0'), 0);
    assert.equal(parseTolerance('1'), 1);
    assert.equal(parseTolerance('0.02'), 0.02);
    for (const bad of ['', ' ', 'NaN', 'Infinity', '2', '-1e-9', '0x']) {
      assert.throws(() => parseTolerance(bad), (e: unknown) => e instanceof LedgerError && e.code === 'BAD_INPUT', bad);
    }
  });
});
