/**
 * The EventStore contract on KurrentDB 25.1+. It runs when NAS_LEDGER_TEST_KURRENTDB names a server
 * (e.g. kurrentdb://localhost:2113?tls=false); each run uses fresh ledgers (their own stream prefix) on it.
 * Without one the suite is reported SKIPPED with the reason, never as passed: no KurrentDB server can be
 * installed on the project's machines (no Docker engine, no package), so it has not yet run against a live one here.
 */
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { openEventStore, openLedgerStore } from '../../src/ledger/open-event-store';
import type { SqlEventStore } from '../../src/ledger/sql/sql-event-store';
import { freePort } from '../support/postgres-server';
import { eventStoreContract, expectLedgerError, type StoreHarness } from './event-store.contract';

const SERVER = process.env.NAS_LEDGER_TEST_KURRENTDB;
const SKIP_REASON = 'NAS_LEDGER_TEST_KURRENTDB is not set: no KurrentDB 25.1+ server to run the contract against ' +
  '(set it to e.g. kurrentdb://localhost:2113?tls=false)';

/** A new ledger on the same server: the URL with its own `ledger` name. */
function freshLedger(server: string): string {
  const name = `contract_${process.pid}_${randomBytes(4).toString('hex')}`;
  const cleaned = server.replace(/([?&])ledger=[^&]*(&|$)/i, '$1').replace(/[?&]$/, '');
  return `${cleaned}${cleaned.includes('?') ? '&' : '?'}ledger=${name}`;
}

if (SERVER) {
  const harness: StoreHarness = {
    name: 'KurrentDB (multi-stream appends)',
    multiProcess: true,
    withoutSql: 'KurrentDB has no SQL to forge rows through; its own tamper checks are in kurrentdb-mapping.unit.spec',
    fresh: () => Promise.resolve(freshLedger(SERVER)),
    // The contract drives the admin operations the two stores share (verify, import, anchors, checkpoints).
    open: async (location, options) => (await openLedgerStore(location, options)) as unknown as SqlEventStore,
    dispose: () => Promise.resolve(),
  };
  eventStoreContract(harness);
} else {
  describe('EventStore contract: KurrentDB', { skip: SKIP_REASON }, () => {
    it('runs when NAS_LEDGER_TEST_KURRENTDB names a server', () => assert.fail('skipped suites do not run'));
  });
}

describe('KurrentDB store URLs (no server needed)', () => {
  it('an unreachable kurrentdb:// server is UNAVAILABLE within the connect timeout, with a hint, the password not echoed', async () => {
    const port = await freePort();
    const started = Date.now();
    const error = await expectLedgerError(openEventStore(`kurrentdb://admin:secret@127.0.0.1:${port}?tls=false`), 'UNAVAILABLE');
    assert.ok(Date.now() - started < 7000, `took ${Date.now() - started} ms`);
    assert.doesNotMatch(`${error.message} ${error.hint ?? ''}`, /secret/);
    assert.match(error.hint ?? '', /server is running/);
  });

  it('esdb:// is accepted as the same store; a bad ledger name is BAD_INPUT', async () => {
    const port = await freePort();
    await expectLedgerError(openEventStore(`esdb://127.0.0.1:${port}?tls=false`), 'UNAVAILABLE');
    await expectLedgerError(openEventStore('kurrentdb://127.0.0.1:2113?ledger=no-dashes'), 'BAD_INPUT');
  });
});
