/**
 * Bug: GET /api/experiments/:id/diff looked for the grammar's θ artifacts in $NAS_LEDGER_ARTIFACTS or beside
 * $NAS_LEDGER_STORE (else ./.nas-ledger/artifacts), never in the artifact directory of the store `serve --store` was
 * given, so the HTTP diff said "θ … is not in the artifact store" where `nas-ledger diff --store` showed the drift.
 * Here the θ artifacts lie only in <store>/artifacts and both variables are empty: the HTTP diff must equal the CLI's.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initialTheta, thetaArtifact, thetaVersion, type GrammarTheta } from '../../domain/generators/grammar';
import { ArtifactStore } from '../../src/ledger/artifact-store';
import { buildExperimentHistory, type ExperimentHistory } from '../support/ledger-fixtures';
import { seedStore } from '../support/seeded-store';
import { getJson, runCli, serveStore, type ServedLedger } from './serve-fixture';

// The children (serve and the CLI) inherit these: nothing points them anywhere but --store.
process.env.NAS_LEDGER_ARTIFACTS = '';
process.env.NAS_LEDGER_STORE = '';

/** Two fine-tuned grammar versions, each moving a different decision. */
const THETA_1: GrammarTheta = { ...initialTheta(), kernel: [0.8, 0.1, 0.1] };
const THETA_2: GrammarTheta = { ...THETA_1, kernel: [0.2, 0.2, 0.6] };

/** The fixture history with its placeholder generator versions replaced by real grammar θ versions. */
function withGrammarVersions(history: ExperimentHistory): ExperimentHistory {
  const versions: string[] = [];
  for (const { event } of history.events) {
    if (event.type === 'CycleStarted' && versions.length === 0) versions.push(event.data.generator.version);
    if (event.type === 'GeneratorFineTuned') versions.push(event.data.to.version);
  }
  assert.equal(versions.length, 3, 'the initial version and two fine-tunes');
  const real = [thetaVersion(initialTheta()), thetaVersion(THETA_1), thetaVersion(THETA_2)];
  let text = JSON.stringify(history);
  for (const [i, version] of versions.entries()) text = text.replaceAll(version, real[i]!);
  return JSON.parse(text) as ExperimentHistory;
}

const history = withGrammarVersions(buildExperimentHistory({ cycles: 2, candidatesPerCycle: 4, seed: 53 }));
const parent = mkdtempSync(join(tmpdir(), 'nas-serve-theta-'));
const storeDir = join(parent, 'ledger');
let served: ServedLedger;

before(async () => {
  await seedStore(storeDir, [history]);
  const artifacts = new ArtifactStore(join(storeDir, 'artifacts'));
  artifacts.putJson(thetaArtifact(THETA_1));
  artifacts.putJson(thetaArtifact(THETA_2));
  served = await serveStore(storeDir);
});

after(async () => {
  await served?.stop();
  rmSync(parent, { recursive: true, force: true });
});

describe('serve --store: the HTTP diff reads grammar θ from that store\'s artifact directory', () => {
  it('shows the grammar drift between cycle 1 and the head, equal to `nas-ledger diff --store … --json`', async () => {
    const path = `/api/experiments/${history.experimentId}/diff?from=cycle:1`;
    const http = await getJson(new URL(path, served.url).toString());
    assert.equal(http.status, 200, JSON.stringify(http.body));
    const grammar = (http.body.generator as { grammar: { available: boolean; note?: string; decisions?: { decision: string }[] } }).grammar;
    assert.equal(grammar.available, true, `the HTTP diff did not find θ: ${grammar.note}`);
    assert.equal(grammar.decisions![0]!.decision, 'kernel', 'the decision that moved');
    const cli = await runCli(['diff', history.experimentId, '--from', 'cycle:1', '--store', storeDir, '--json']);
    assert.equal(cli.code, 0, cli.stderr);
    assert.deepEqual(http.body, JSON.parse(cli.stdout));
  });
});
