import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { openEventStore, openSqlEventStore } from '../../src/ledger/open-event-store';
import { freePort, startPostgres, type PostgresServer } from '../support/postgres-server';
import { eventStoreContract, expectLedgerError, type StoreHarness } from './event-store.contract';
import { testEvents } from './fixtures/test-events';

let server: Promise<PostgresServer> | null = null;
const pg = (): Promise<PostgresServer> => (server ??= startPostgres());

const harness: StoreHarness = {
  name: 'PostgreSQL 15 (pg)',
  multiProcess: true,
  fresh: async () => (await pg()).createDatabase('ledger_contract'),
  open: (location, options) => openSqlEventStore(location, options),
  async dispose() {
    if (server) await (await server).stop();
  },
};

eventStoreContract(harness);

describe('store URLs', () => {
  it('an unreachable server is UNAVAILABLE within the connect timeout, with a hint', async () => {
    const port = await freePort();
    const started = Date.now();
    const error = await expectLedgerError(openEventStore(`postgres://nobody:secret@127.0.0.1:${port}/ledger`), 'UNAVAILABLE');
    assert.ok(Date.now() - started < 7000);
    assert.doesNotMatch(error.message, /secret/, 'the password is not echoed');
    assert.match(error.hint ?? '', /server is running/);
  });

  it('a server that goes away makes calls UNAVAILABLE (not an internal error), with a hint', async () => {
    const own = await startPostgres();
    const store = await openEventStore(await own.createDatabase('ledger_gone'));
    try {
      await store.append('before-stop', testEvents(1), 'no_stream');
      await own.stop();
      await expectLedgerError(store.append('after-stop', testEvents(1), 'no_stream'), 'UNAVAILABLE');
      await expectLedgerError(store.readAll(), 'UNAVAILABLE');
    } finally {
      await store.close().catch(() => undefined);
      await own.stop();
    }
  });

  it('an unknown scheme is BAD_INPUT naming the supported ones', async () => {
    const error = await expectLedgerError(openEventStore('mysql://localhost/ledger'), 'BAD_INPUT');
    assert.match(error.hint ?? '', /postgres:\/\//);
    assert.match(error.hint ?? '', /file:/);
    await expectLedgerError(openEventStore('sqlite:ledger.db'), 'BAD_INPUT');
  });
});
