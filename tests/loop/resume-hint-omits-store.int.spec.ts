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
import { runLoop } from '../../src/app/run-loop';
import { jobResumeHint, resumeHint } from '../../src/app/resume-hint';

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

  it('a review or study on Kafka and another store: the hint names both (a review\'s bus is not recorded)', () => {
    assert.equal(jobResumeHint('review', 'r1', undefined, 'inproc'), 'nas-ledger review --resume r1');
    assert.equal(jobResumeHint('review', 'r1', undefined, undefined), 'nas-ledger review --resume r1');
    assert.equal(jobResumeHint('study proxy', 's1', '/var/tmp/my ledger', 'kafka://k1:9092,k2:9092'),
      "nas-ledger study proxy --resume s1 --store '/var/tmp/my ledger' --bus kafka://k1:9092,k2:9092");
  });
});
