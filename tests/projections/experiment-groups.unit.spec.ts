/**
 * Experiment groups: a registration names its group without touching the config hash, a registration of schema
 * version 1 reads as ungrouped, and the groups read model collects the runs in registration order.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_CONFIG, configHash } from '../../domain/experiment/config';
import { decide, initialState } from '../../domain/experiment/experiment.decider';
import type { RecordedEvent } from '../../domain/shared/event-envelope';
import { LedgerError } from '../../domain/shared/ledger-error';
import { experimentRegisteredV1toV2, ledgerUpcasters } from '../../src/ledger/upcasters';
import { foldEvents } from '../../projections/shared/projection';
import { experimentGroupsProjection } from '../../projections/experiment-groups/evolve';
import { groupOf } from '../../projections/experiment-groups/query';

const config = { ...DEFAULT_CONFIG, seed: 2 };
const group = { groupId: 'g1', variant: '', seeds: [1, 2, 3] };

function registration(experimentId: string, schemaVersion: number, data: Record<string, unknown>, position: number): RecordedEvent {
  return {
    eventId: `00000000-0000-4000-8000-00000000000${position}`, type: 'ExperimentRegistered', schemaVersion, streamId: `experiment-${experimentId}`,
    streamVersion: 0, globalPosition: position, hash: 'h', prevHash: 'p',
    data: { experimentId, name: experimentId, config, configHash: configHash(config), ...data },
    metadata: { commandId: 'c', correlationId: experimentId, causationId: null, actor: 'test', recordedAt: '2026-12-07T00:00:00.000Z' },
  };
}

describe('a grouped registration', () => {
  it('records the group and the same config hash as the ungrouped one', () => {
    const [grouped] = decide({ type: 'RegisterExperiment', data: { experimentId: 'e2', name: 'e2', config, group } }, initialState());
    const [alone] = decide({ type: 'RegisterExperiment', data: { experimentId: 'e2', name: 'e2', config } }, initialState());
    assert.ok(grouped?.type === 'ExperimentRegistered' && alone?.type === 'ExperimentRegistered');
    assert.deepEqual(grouped.data.group, group);
    assert.equal(alone.data.group, null);
    assert.equal(grouped.data.configHash, alone.data.configHash);
  });

  it('is refused when its seed is not one of the group\'s seeds', () => {
    assert.throws(() => decide({ type: 'RegisterExperiment', data: { experimentId: 'e9', name: 'e9', config: { ...config, seed: 9 }, group } }, initialState()),
      (e: unknown) => e instanceof LedgerError && e.code === 'REFUSED' && /seed 9 is not one of its group's seeds/.test(e.message));
  });
});

describe('ExperimentRegistered v1', () => {
  it('reads as ungrouped (group: null) at v2, its other data unchanged', () => {
    const old = registration('e-old', 1, {}, 1);
    const lifted = ledgerUpcasters().apply(old);
    assert.equal(lifted.schemaVersion, 2);
    assert.deepEqual(lifted.data, { ...(old.data as object), group: null });
    assert.deepEqual(experimentRegisteredV1toV2(old).data, lifted.data);
  });
});

describe('the experiment-groups read model', () => {
  it('collects a group\'s runs in registration order and leaves ungrouped experiments out', () => {
    const upcast = ledgerUpcasters();
    const events = [
      registration('e1', 2, { group: { ...group }, config: { ...config, seed: 1 } }, 1),
      upcast.apply(registration('e-old', 1, {}, 2)),
      registration('e2', 2, { group: { ...group } }, 3),
    ];
    const view = foldEvents(experimentGroupsProjection, events);
    assert.deepEqual(Object.keys(view.groups), ['g1']);
    assert.deepEqual(groupOf(view, 'g1')!.members.map((m) => [m.experimentId, m.seed, m.registeredAt]), [['e1', 1, 1], ['e2', 2, 3]]);
    assert.equal(groupOf(view, 'nope'), null);
  });
});
