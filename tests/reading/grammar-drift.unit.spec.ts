import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initialTheta, thetaArtifact, thetaVersion } from '../../domain/generators/grammar';
import { ArtifactStore } from '../../src/ledger/artifact-store';
import { grammarDrift } from '../../src/queries/get-ledger-diff/grammar-drift';

describe('diff: the grammar decisions whose probabilities moved most', () => {
  it('ranks the decision that moved first and reports a version whose θ artifact is absent instead of failing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nas-ledger-theta-'));
    try {
      const store = new ArtifactStore(dir);
      const before = initialTheta();
      const after = { ...before, kernel: [0.9, 0.05, 0.05] };
      store.putJson(thetaArtifact(before, 0.4));
      store.putJson(thetaArtifact(after, 0.4));
      const drift = grammarDrift(dir, thetaVersion(before, 0.4), thetaVersion(after, 0.4));
      assert.ok(drift.available);
      assert.equal(drift.decisions[0]!.decision, 'kernel');
      assert.equal(drift.decisions[0]!.moves[0]!.choice, '3');
      assert.ok(Math.abs(drift.decisions[0]!.totalVariation - 0.4) < 1e-9);
      const missing = grammarDrift(dir, thetaVersion(before, 0.4), 'grammar-0123456789abcdef');
      assert.equal(missing.available, false);
      assert.deepEqual(!missing.available && missing.missing, ['grammar-0123456789abcdef']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
