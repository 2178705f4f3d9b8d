import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../../src/shared/repo-root';
import { buildExperimentHistory, toRecordedEvents } from '../support/ledger-fixtures';
import { seedStore } from '../support/seeded-store';
import { runCli } from '../support/cli-child';

const A = buildExperimentHistory({ cycles: 3, candidatesPerCycle: 8, seed: 51 });
const B = buildExperimentHistory({ cycles: 2, candidatesPerCycle: 5, seed: 52 });
const ROOT = repoRoot();
const PYTHON = join(ROOT, '.cache', 'analysis-venv', 'bin', 'python');
const CHECK = join(ROOT, 'tests', 'reading', 'check_exports.py');
let dir: string;
let out: string;
const cli = (...args: string[]) => runCli(args, { NAS_LEDGER_STORE: dir });
const python = <T>(...args: string[]) => JSON.parse(execFileSync(PYTHON, [CHECK, ...args], { encoding: 'utf8' })) as T;

before(async () => {
  assert.ok(existsSync(PYTHON), `${PYTHON} is missing: run ./scripts/setup-analysis-venv.sh (make test-deps)`);
  dir = mkdtempSync(join(tmpdir(), 'nas-ledger-exports-'));
  out = mkdtempSync(join(tmpdir(), 'nas-ledger-exports-out-'));
  await seedStore(dir, [A, B]);
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(out, { recursive: true, force: true });
});

interface Frame { rows: number; columns: string[]; dtypes: Record<string, string> }

describe('nas-ledger export cycles|candidates', () => {
  it('writes CSV that pandas.read_csv reads with no options: one row per experiment and cycle, numeric columns numeric', async () => {
    const run = await cli('export', 'cycles', '--all', '--out', join(out, 'cycles.csv'));
    assert.equal(run.code, 0, run.stderr);
    const frame = python<Frame>('csv', join(out, 'cycles.csv'));
    assert.equal(frame.rows, 3 + 2);
    for (const column of ['cycle', 'generated', 'admitted', 'corpusSize', 'rejections_parse']) assert.equal(frame.dtypes[column], 'int64', column);
    for (const column of ['validRate', 'validRateCI_low', 'validRateCI_high', 'meanAccuracy']) assert.equal(frame.dtypes[column], 'float64', column);
    assert.equal(frame.dtypes.completed, 'bool');
    assert.ok(frame.columns.includes('generatorVersion'));
  });

  it('exports every candidate flat, as of cycle 2 of one experiment', async () => {
    const run = await cli('export', 'candidates', A.experimentId, '--as-of-cycle', '2', '--out', join(out, 'candidates.csv'));
    assert.equal(run.code, 0, run.stderr);
    const frame = python<Frame>('csv', join(out, 'candidates.csv'));
    assert.equal(frame.rows, 2 * 8);
    for (const column of ['cycle', 'index', 'generationSeed', 'outputTokens']) assert.equal(frame.dtypes[column], 'int64', column);
    for (const column of ['accuracy', 'loss', 'params', 'jTrain']) assert.equal(frame.dtypes[column], 'float64', column);
    for (const column of ['codeHash', 'rejectionMessage', 'nearestTrainId', 'notAdmittedReason', 'generatorVersion']) assert.ok(frame.columns.includes(column), column);
    const jsonl = await cli('export', 'candidates', '--all', '--format', 'jsonl');
    assert.equal(jsonl.code, 0, jsonl.stderr);
    assert.equal(jsonl.stdout.trim().split('\n').length, 3 * 8 + 2 * 5);
  });

  it('refuses an unwritable --out path (2) and --all together with an experiment (2)', async () => {
    const unwritable = await cli('export', 'cycles', A.experimentId, '--out', join(out, 'missing', 'x.csv'));
    assert.equal(unwritable.code, 2);
    assert.match(unwritable.stderr, /cannot write the export/);
    assert.equal((await cli('export', 'cycles', A.experimentId, '--all')).code, 2);
  });
});

describe('nas-ledger export architectures', () => {
  it('writes one .py per admitted program and index.csv; an existing directory needs --force', async () => {
    const target = join(out, 'arch');
    const run = await cli('export', 'architectures', A.experimentId, '--out', target, '--admitted');
    assert.equal(run.code, 0, run.stderr);
    const admitted = toRecordedEvents(A).filter((e) => e.type === 'CandidateAdmitted').map((e) => (e.data as { candidateId: string }).candidateId);
    assert.deepEqual(readdirSync(target).filter((f) => f.endsWith('.py')).sort(), admitted.map((id) => `${id}.py`).sort());
    assert.equal(python<Frame>('csv', join(target, 'index.csv')).rows, admitted.length);
    const again = await cli('export', 'architectures', A.experimentId, '--out', target);
    assert.equal(again.code, 4, again.stderr);
    assert.match(again.stderr, /--force/);
    const forced = await cli('export', 'architectures', A.experimentId, '--out', target, '--force');
    assert.equal(forced.code, 0, forced.stderr);
    assert.equal(readdirSync(target).filter((f) => f.endsWith('.py')).length, 3 * 8);
    const file = join(out, 'a-file');
    writeFileSync(file, 'x');
    assert.equal((await cli('export', 'architectures', A.experimentId, '--out', file)).code, 2);
    mkdirSync(join(out, 'empty'));
    assert.equal((await cli('export', 'architectures', A.experimentId, '--out', join(out, 'empty'))).code, 0);
  });
});

describe('nas-ledger export openlineage', () => {
  it('writes RunEvents that the openlineage-python models rebuild and serialise back unchanged', async () => {
    const run = await cli('export', 'openlineage', A.experimentId, '--out', join(out, 'lineage.jsonl'));
    assert.equal(run.code, 0, run.stderr);
    const lines = readFileSync(join(out, 'lineage.jsonl'), 'utf8').trim().split('\n');
    const checked = python<{ events: number; eventTypes: Record<string, number>; runs: number }>(
      'openlineage', join(out, 'lineage.jsonl'), join(ROOT, 'docs', 'openlineage', 'nas-ledger-facets.json'));
    assert.equal(checked.events, lines.length);
    const history = toRecordedEvents(A);
    const judged = history.filter((e) => e.type === 'CandidateEvaluated' || e.type === 'CandidateRejected').length;
    assert.equal(checked.runs, 3 + judged, 'one run per cycle and one per evaluation');
    assert.equal(checked.eventTypes.FAIL, history.filter((e) => e.type === 'CandidateRejected').length);
  });
});
