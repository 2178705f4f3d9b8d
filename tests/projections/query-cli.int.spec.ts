import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cycleStatisticsProjection } from '../../projections/cycle-statistics/evolve';
import { cycleStatsRows } from '../../projections/cycle-statistics/query';
import { foldEvents } from '../../projections/shared/projection';
import { buildExperimentHistory, toRecordedEvents } from '../support/ledger-fixtures';
import { seedStore } from '../support/seeded-store';
import { runCli } from '../support/cli-child';

const SEED = 33;
const EXP = `exp-${SEED}`;
const history = buildExperimentHistory({ cycles: 3, candidatesPerCycle: 10, seed: SEED });
let dir: string;

const cli = (...args: string[]) => runCli(args, { NAS_LEDGER_STORE: dir });

const STATS_KEYS = ['cycle', 'generated', 'valid', 'validRate', 'validRateCI', 'meanAccuracy', 'meanAccuracyCI', 'medianAccuracy',
  'bestAccuracy', 'aboveThreshold', 'aboveThresholdCI', 'admitted', 'corpusSize', 'eliteConcentration', 'diversity', 'novelty'];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nas-ledger-cli-'));
  await seedStore(dir, [history]);
});

after(() => rmSync(dir, { recursive: true, force: true }));

describe('nas-ledger stats', () => {
  it('--json prints one object per cycle with the documented keys and the projection\'s values', async () => {
    const run = await cli('stats', EXP, '--json');
    assert.equal(run.code, 0, run.stderr);
    const rows = JSON.parse(run.stdout) as Array<Record<string, unknown>>;
    assert.equal(rows.length, 3);
    for (const row of rows) for (const key of STATS_KEYS) assert.ok(key in row, `missing key ${key}`);
    const expected = cycleStatsRows(foldEvents(cycleStatisticsProjection, toRecordedEvents(history)), EXP)!;
    // The projection's rows, plus the flag that marks a mean-accuracy t interval over fewer than 3 valid candidates.
    const flagged = expected.map((c) => ({ ...c, meanAccuracyCISmallSample: c.meanAccuracyCI !== null && c.valid < 3 }));
    assert.deepEqual(rows, JSON.parse(JSON.stringify(flagged)));
    const first = rows[0]!;
    assert.ok(Array.isArray(first.validRateCI) && (first.validRateCI as number[]).length === 2);
    assert.ok((first.validRate as number) > 0 && (first.validRate as number) < 1, 'rates are fractions');
  });

  it('--as-of-cycle 2 with --store prints the first two cycles as a readable table', async () => {
    const table = await cli('stats', EXP, '--as-of-cycle', '2', '--store', dir);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /experiment exp-33, as of the end of cycle 2 \(position \d+ of \d+\)/);
    assert.match(table.stdout, /valid rate \[95% CI\]/);
    const lines = table.stdout.trim().split('\n');
    assert.equal(lines.length, 6, 'title, header, rule, two cycles and the reviews line');
    assert.deepEqual(lines.slice(3, 5).map((l) => l.trim().split(/\s+/)[0]), ['1', '2']);
    assert.match(lines[5]!, /^reviews: none yet \(nas-ledger review exp-33\)$/);
  });

  it('exits 3 (NOT_FOUND) for a point beyond the head, 2 (BAD_INPUT) for two as-of flags', async () => {
    const beyond = await cli('stats', EXP, '--as-of-position', '999999', '--json');
    assert.equal(beyond.code, 3);
    assert.match(beyond.stderr, /"code":"NOT_FOUND"/);
    assert.match(beyond.stderr, /beyond the head/);
    assert.equal(beyond.stdout, '');
    const both = await cli('stats', EXP, '--as-of-cycle', '1', '--as-of-position', '5');
    assert.equal(both.code, 2);
    assert.match(both.stderr, /at most one of/);
  });
});

describe('nas-ledger experiments, candidates, provenance', () => {
  it('list experiments and candidates, and trace an admitted architecture', async () => {
    const experiments = await cli('experiments', '--json');
    assert.equal(experiments.code, 0, experiments.stderr);
    assert.deepEqual((JSON.parse(experiments.stdout) as Array<{ experimentId: string; cyclesDone: number; cyclesPlanned: number }>)
      .map((e) => [e.experimentId, e.cyclesDone, e.cyclesPlanned]), [[EXP, 3, 3]]);

    const candidates = await cli('candidates', EXP, '--cycle', '2', '--json');
    assert.equal(candidates.code, 0, candidates.stderr);
    const rows = JSON.parse(candidates.stdout) as Array<{ candidateId: string; cycle: number; admitted: boolean; architectureId: string | null }>;
    assert.equal(rows.length, 10);
    assert.ok(rows.every((r) => r.cycle === 2));
    const admitted = rows.find((r) => r.admitted);
    assert.ok(admitted, 'the fixture admits at least one candidate in cycle 2');

    const provenance = await cli('provenance', admitted.architectureId!);
    assert.equal(provenance.code, 0, provenance.stderr);
    assert.match(provenance.stdout, new RegExp(`architecture ${admitted.architectureId}`));
    assert.match(provenance.stdout, /fine-tuned in cycle 1/);
    assert.match(provenance.stdout, /initial generator grammar@/);
    assert.match(provenance.stdout, /seed corpus: 5 entries/);
  });
});
