/**
 * Given / when / then for deciders (after Emmett's DeciderSpecification): given past events, when a command,
 * then the new events, or then a refusal with its LedgerError code.
 */
import assert from 'node:assert/strict';
import type { Decider } from '../../domain/shared/decider';
import { LedgerError, type ErrorCode } from '../../domain/shared/ledger-error';

export interface DeciderSpecification<Command, Event> {
  (given: readonly Event[]): {
    when(command: Command): {
      then(expected: readonly Event[]): void;
      thenRefused(code: ErrorCode, message?: RegExp): void;
    };
  };
}

export function deciderSpecification<Command, Event, State>(decider: Decider<Command, Event, State>): DeciderSpecification<Command, Event> {
  return (given) => ({
    when(command) {
      const decide = () => decider.decide(command, given.reduce((s, e) => decider.evolve(s, e), decider.initialState()));
      return {
        then(expected) {
          assert.deepEqual(decide(), expected);
        },
        thenRefused(code, message) {
          assert.throws(decide, (error: unknown) => {
            assert.ok(error instanceof LedgerError, `expected a LedgerError, got ${String(error)}`);
            assert.equal(error.code, code, `expected ${code}, got ${error.code}: ${error.message}`);
            if (message) assert.match(error.message, message);
            return true;
          });
        },
      };
    },
  });
}
