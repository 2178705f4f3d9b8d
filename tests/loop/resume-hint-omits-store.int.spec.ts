/**
 * Issue 15: "The resume hint omits --store": a run on another store, interrupted, told the user
 * `nas-ledger resume <id>`, which looks in ./.nas-ledger and does not find the experiment.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LedgerError } from '../../domain/shared/ledger-error';
import { loadExperimentConfig } from '../../src/config/load-config';
import { resumeHint, runLoop } from '../../src/app/run-loop';

const root = mkdtempSync(join(tmpdir(), 'nas-resume-hint-'));
after(() => rmSync(root, { recursive: true, force: true }));

describe('the resume hint omits --store', () => {
  it('an interrupted run on a store other than the default says `nas-ledger resume <id> --store <store>`', async () => {
    const store = join(root, 'my ledger');
    const config = loadExperimentConfig({ overrides: { generator: 'sim', cycles: 2, candidatesPerCycle: 2, store } });
    const stop = new AbortController();
    stop.abort();
    await assert.rejects(runLoop({ config, experimentId: 'hinted', signal: stop.signal }), (error) => {
      assert.ok(error instanceof LedgerError && error.code === 'INTERRUPTED', String(error));
      assert.equal(error.hint, `nas-ledger resume hinted --store '${store}'`);
      return true;
    });
  });

  it('the default store is left out, and a postgres URL is named without its password', () => {
    assert.equal(resumeHint('e1', undefined), 'nas-ledger resume e1');
    assert.equal(resumeHint('e1', './.nas-ledger'), 'nas-ledger resume e1');
    // Quoted: the mask's *** would otherwise be a glob.
    assert.equal(resumeHint('e1', 'postgres://u:secret@db:5432/ledger'), "nas-ledger resume e1 --store 'postgres://u:***@db:5432/ledger'");
  });
});
