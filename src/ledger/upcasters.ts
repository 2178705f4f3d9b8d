import type { RecordedEvent } from '../../domain/shared/event-envelope';
import { LedgerError } from '../../domain/shared/ledger-error';

/** Turns an event of schema version v into the same event at version v + 1. Applied on read, never stored. */
export type Upcaster = (event: RecordedEvent) => RecordedEvent;

/**
 * Upcasting hooks: old events stay byte-for-byte as recorded (their hashes must keep verifying);
 * readers see them lifted, one version step at a time, to the version the code understands.
 */
export class UpcasterRegistry {
  private readonly upcasters = new Map<string, Upcaster>();

  register(type: string, fromVersion: number, upcast: Upcaster): this {
    const key = `${type}@${fromVersion}`;
    if (this.upcasters.has(key)) {
      throw new LedgerError('BAD_INPUT', `an upcaster for ${type} v${fromVersion} is already registered`,
        'Register exactly one upcaster per (type, fromVersion).');
    }
    this.upcasters.set(key, upcast);
    return this;
  }

  get size(): number {
    return this.upcasters.size;
  }

  apply(event: RecordedEvent): RecordedEvent {
    let current = event;
    for (let guard = 0; guard < 1000; guard++) {
      const upcast = this.upcasters.get(`${current.type}@${current.schemaVersion}`);
      if (!upcast) return current;
      const next = upcast(current);
      if (next.schemaVersion <= current.schemaVersion) {
        throw new LedgerError('INTERNAL', `upcaster for ${current.type} v${current.schemaVersion} did not raise the schema version`,
          'An upcaster must return the event at schemaVersion + 1.');
      }
      current = next;
    }
    throw new LedgerError('INTERNAL', `upcasting ${event.type} did not terminate`, 'Check the registered upcasters for a cycle.');
  }
}

/**
 * CandidateEvaluated v1 → v2: v2 names every value its protocolHash covers (protocolValues); a v1 event did not
 * record them, so it reads as `protocolValues: null` ("values not recorded"). Its other keys are unchanged.
 */
export const candidateEvaluatedV1toV2: Upcaster = (event) => ({
  ...event, schemaVersion: 2, data: { ...(event.data as Record<string, unknown>), protocolValues: null },
});

/** ExperimentRegistered v1 → v2: v2 names the multi-seed group a run belongs to; a v1 registration was alone (`group: null`). */
export const experimentRegisteredV1toV2: Upcaster = (event) => ({
  ...event, schemaVersion: 2, data: { ...(event.data as Record<string, unknown>), group: null },
});

/** The ledger's own upcasters: what every store applies on read unless it is given a registry of its own. */
export function ledgerUpcasters(): UpcasterRegistry {
  return new UpcasterRegistry().register('CandidateEvaluated', 1, candidateEvaluatedV1toV2)
    .register('ExperimentRegistered', 1, experimentRegisteredV1toV2);
}
