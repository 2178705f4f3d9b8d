import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { corpusProjection } from '../../projections/corpus/evolve';
import { corpusOf } from '../../projections/corpus/query';
import { foldEvents } from '../../projections/shared/projection';
import { buildExperimentHistory, toRecordedEvents } from '../support/ledger-fixtures';
import { seedStore } from '../support/seeded-store';
import { runCli } from '../support/cli-child';

const A = buildExperimentHistory({ cycles: 3, candidatesPerCycle: 10, seed: 41 });
const B = buildExperimentHistory({ cycles: 2, candidatesPerCycle: 4, seed: 42 });
const events = toRecordedEvents(A);
let dir: string;
const cli = (...args: string[]) => runCli(args, { NAS_LEDGER_STORE: dir });
const json = <T>(text: string) => JSON.parse(text) as T;
/** A global position strictly inside cycle 2 of A: after its fifth candidate event (A is appended first, so positions match). */
const insideCycle2 = events.filter((e) => (e.data as { cycle?: number }).cycle === 2)[5]!.globalPosition;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nas-ledger-reading-'));
  await seedStore(dir, [A, B]);
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('nas-ledger corpus', () => {
  it('lists the members as of a cycle end and as of a position inside a cycle, as the fold over that prefix says', async () => {
    for (const [flag, value, position] of [['--as-of-cycle', '2', null], ['--as-of-position', String(insideCycle2), insideCycle2]] as const) {
      const run = await cli('corpus', A.experimentId, flag, value, '--json');
      assert.equal(run.code, 0, run.stderr);
      const got = json<{ size: number; position: number; members: Array<{ entryId: string }> }>(run.stdout);
      const expected = corpusOf(foldEvents(corpusProjection, events.filter((e) => e.globalPosition <= (position ?? got.position))), A.experimentId)!;
      assert.equal(got.size, expected.size);
      assert.deepEqual(got.members.map((m) => m.entryId), expected.members.map((m) => m.entryId));
    }
    const table = await cli('corpus', A.experimentId);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /seed:model0\s+model0\s+seed/);
  });
});

describe('nas-ledger diff', () => {
  it('names the candidates and cycle statistics between cycle 1 and a point inside cycle 2', async () => {
    const run = await cli('diff', A.experimentId, '--from', 'cycle:1', '--to', `position:${insideCycle2}`, '--json');
    assert.equal(run.code, 0, run.stderr);
    const d = json<{ candidates: Array<{ candidateId: string; cycle: number }>; cycles: Array<{ cycle: number; added: boolean }>;
      generator: { grammar: { available: boolean } | null } }>(run.stdout);
    const generated = events.filter((e) => e.type === 'CandidateGenerated' && e.globalPosition <= insideCycle2 && (e.data as { cycle: number }).cycle === 2);
    assert.ok(generated.length > 0);
    assert.deepEqual(d.candidates.map((c) => c.candidateId), generated.map((e) => (e.data as { candidateId: string }).candidateId));
    assert.deepEqual(d.cycles.map((c) => [c.cycle, c.added]), [[2, true]]);
  });

  it('refuses --from after --to (exit 2) and a point beyond the head (exit 3), printing nothing on stdout', async () => {
    const reversed = await cli('diff', A.experimentId, '--from', '3', '--to', '1');
    assert.equal(reversed.code, 2, reversed.stderr);
    assert.match(reversed.stderr, /is after --to/);
    const beyond = await cli('diff', A.experimentId, '--from', '1', '--to', 'position:999999');
    assert.equal(beyond.code, 3, beyond.stderr);
    assert.equal(beyond.stdout, '');
    const bad = await cli('diff', A.experimentId, '--from', 'yesterday');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /not a point in history/);
  });
});

describe('nas-ledger show', () => {
  const rejected = events.find((e) => e.type === 'CandidateRejected')!.data as { candidateId: string; reason: string; stage: string };
  const assessed = events.find((e) => e.type === 'CandidateNotAdmitted')!.data as { candidateId: string; reason: string };

  it('prints the whole record: code, evaluation, novelty with the nearest neighbour, and why not', async () => {
    const run = await cli('show', assessed.candidateId, '--json');
    assert.equal(run.code, 0, run.stderr);
    const r = json<{ code: string; evaluation: { accuracy: number } | null; nearest: { entryId: string; jaccard: number } | null;
      admission: { notAdmittedReason: string } }>(run.stdout);
    const generated = events.find((e) => e.type === 'CandidateGenerated' && (e.data as { candidateId: string }).candidateId === assessed.candidateId)!;
    assert.equal(r.code, (generated.data as { code: string }).code);
    assert.ok(r.evaluation && r.nearest);
    assert.equal(r.admission.notAdmittedReason, assessed.reason);
    const code = await cli('show', assessed.candidateId, '--code');
    assert.equal(code.stdout.trimEnd(), r.code.trimEnd());
    const why = await cli('show', rejected.candidateId);
    assert.match(why.stdout, new RegExp(`rejected at ${rejected.stage}: ${rejected.reason}`));
  });

  it('refuses an unknown id (3), an id not yet generated at the as-of point (3), and a seed id in two experiments without --experiment (2)', async () => {
    assert.equal((await cli('show', 'no-such-candidate')).code, 3);
    const notYet = await cli('show', `${A.experimentId}.c03.000`, '--as-of-cycle', '1');
    assert.equal(notYet.code, 3);
    assert.match(notYet.stderr, /did not exist yet/);
    const seed = await cli('show', 'seed:model0');
    assert.equal(seed.code, 2);
    assert.match(seed.stderr, /--experiment/);
    const scoped = await cli('show', 'seed:model0', '--experiment', B.experimentId, '--json');
    assert.equal(scoped.code, 0, scoped.stderr);
    assert.equal(json<{ experimentId: string; kind: string }>(scoped.stdout).kind, 'seed-entry');
  });
});

describe('nas-ledger candidates', () => {
  it('shows the not-admitted reason and the rejection message in the table', async () => {
    const run = await cli('candidates', A.experimentId);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /why not/);
    assert.match(run.stdout, /not_admitted .*(below_threshold|near_duplicate|structural_duplicate)/);
    assert.match(run.stdout, /rejected .*fixture: simulated failure/);
  });
});
