import 'reflect-metadata';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { LOCK_FILE } from '../../src/ledger/adapters/embedded-lock';
import { EVENT_STORE, type EventStore } from '../../src/ledger/event-store.port';
import { LedgerModule } from '../../src/ledger/ledger.module';
import { testEvents } from './fixtures/test-events';

describe('LedgerModule', () => {
  it('forRoot provides EVENT_STORE from the URL and closes it (releasing the embedded lock) on shutdown', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nas-ledger-module-'));
    try {
      @Module({ imports: [LedgerModule.forRoot({ url: dir })] })
      class AppModule {}
      const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
      app.enableShutdownHooks();
      const store = app.get<EventStore>(EVENT_STORE);
      const result = await store.append('module-stream', testEvents(2), 'no_stream');
      assert.equal(result.lastGlobalPosition, 2);
      assert.equal(existsSync(join(dir, LOCK_FILE)), true);
      await app.close();
      assert.equal(existsSync(join(dir, LOCK_FILE)), false, 'the lock is released on shutdown');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
