import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RecordedEvent } from '../../domain/shared/event-envelope';
import { cycleStatisticsProjection } from '../../projections/cycle-statistics/evolve';
import { corpusProjection } from '../../projections/corpus/evolve';
import { lineageProjection } from '../../projections/lineage/evolve';
import { experimentsProjection } from '../../projections/experiments/evolve';
import { candidatesProjection } from '../../projections/candidates/evolve';
import { foldEvents, type Projection } from '../../projections/shared/projection';
import { experimentIdOf } from '../../projections/shared/ledger-event';
import { get, type PersistentMap } from '../../projections/shared/persistent-map';
import { withTransientFold } from '../../projections/shared/transient';
import { buildExperimentHistory, toRecordedEvents } from '../support/ledger-fixtures';
import { handBuiltLedger } from './support/hand-built';

const PROJECTIONS = [
  cycleStatisticsProjection, corpusProjection, lineageProjection, experimentsProjection, candidatesProjection,
] as ReadonlyArray<Projection<unknown>>;

/** Freezes every object and array reachable from `value`; a frozen object's children are frozen before it. */
function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  for (const child of Object.values(value)) deepFreeze(child);
  return Object.freeze(value);
}

/** Two experiments one after the other (the second without iterative fine-tuning), then the hand-built ledger. */
function realisticLedger(): RecordedEvent[] {
  const first = toRecordedEvents(buildExperimentHistory({ cycles: 5, candidatesPerCycle: 30, seed: 21 }));
  const second = toRecordedEvents(buildExperimentHistory({ cycles: 3, candidatesPerCycle: 20, seed: 22, ablations: { noIteration: true } }),
    { firstPosition: first.length + 1 });
  const hand = handBuiltLedger().recorded().map((e, i) => ({ ...e, globalPosition: first.length + second.length + 1 + i }));
  return [...first, ...second, ...hand];
}

describe('evolve is pure', () => {
  const ledger = realisticLedger();

  for (const projection of PROJECTIONS) {
    it(`${projection.name}: folds frozen events over frozen views, leaves each before-state as it was, and agrees with a plain fold`, () => {
      const plain = foldEvents(projection, structuredClone(ledger));
      const handled = new Set<string>(projection.handledEventTypes);
      let view = deepFreeze(projection.initialView());
      let steps = 0;
      for (const event of ledger.map((e) => deepFreeze(structuredClone(e)))) {
        if (!handled.has(event.type)) continue;
        const before = JSON.stringify(view);
        // Writing to a frozen view or event throws here (specs are strict-mode modules).
        const next = projection.evolve(view, event);
        assert.equal(JSON.stringify(view), before, `${event.type} at ${event.globalPosition} changed the view it was given`);
        view = deepFreeze(next);
        steps++;
      }
      assert.ok(steps >= 30, `only ${steps} events were handled`);
      assert.deepEqual(view, plain);
    });
  }

  /** evolve called event by event outside any fold: fully persistent, the reference the transient folds must equal. */
  const persistentFold = (projection: Projection<unknown>, events: readonly RecordedEvent[], from?: unknown): unknown => {
    const handled = new Set<string>(projection.handledEventTypes);
    let view = from ?? projection.initialView();
    for (const event of events) if (handled.has(event.type)) view = projection.evolve(view, event);
    return view;
  };

  for (const projection of PROJECTIONS) {
    it(`${projection.name}: a transient fold leaves its input view and snapshot as they were and equals the persistent fold`, () => {
      const cut = Math.floor(ledger.length / 2);
      const whole = persistentFold(projection, ledger);
      const input = persistentFold(projection, ledger.slice(0, cut));
      const inputJson = JSON.stringify(input);
      const snapshot = JSON.parse(inputJson) as unknown;
      const frozenSnapshot = deepFreeze(JSON.parse(inputJson) as unknown);

      assert.deepEqual(foldEvents(projection, ledger), whole, 'a transient fold from the start disagrees');
      assert.deepEqual(foldEvents(projection, ledger.slice(cut), input), whole, 'a transient fold from a view disagrees');
      assert.equal(JSON.stringify(input), inputJson, 'a transient fold changed the view it started from');
      assert.deepEqual(foldEvents(projection, ledger.slice(cut), snapshot), whole, 'a transient fold from a snapshot disagrees');
      assert.equal(JSON.stringify(snapshot), inputJson, 'a transient fold changed the snapshot it started from');
      // Any write to the frozen snapshot throws.
      assert.deepEqual(foldEvents(projection, ledger.slice(cut), frozenSnapshot), whole);
    });

    it(`${projection.name}: a view a transient fold returned is not changed by later folds or evolves that start from it`, () => {
      const thirds = [0, 1, 2, 3].map((i) => Math.floor((ledger.length * i) / 3));
      const first = foldEvents(projection, ledger.slice(0, thirds[1]));
      const firstJson = JSON.stringify(first);
      const second = foldEvents(projection, ledger.slice(thirds[1], thirds[2]), first);
      const secondJson = JSON.stringify(second);
      const last = foldEvents(projection, ledger.slice(thirds[2]), second);
      persistentFold(projection, ledger.slice(thirds[1]), first);
      // The runner folds page by page, each page its own fold; a fold inside a fold owns only what it creates.
      const nested = withTransientFold(() => {
        const outer = foldEvents(projection, ledger.slice(0, thirds[1]));
        const outerJson = JSON.stringify(outer);
        const inner = foldEvents(projection, ledger.slice(thirds[1]), outer);
        assert.equal(JSON.stringify(outer), outerJson, 'a nested fold changed the enclosing fold\'s view');
        return inner;
      });
      assert.equal(JSON.stringify(first), firstJson, 'a later fold changed the view an earlier fold returned');
      assert.equal(JSON.stringify(second), secondJson, 'a later fold changed the view an earlier fold returned');
      const whole = persistentFold(projection, ledger);
      assert.deepEqual(last, whole);
      assert.deepEqual(nested, whole);
    });
  }

  it('shares what an event does not touch: other experiments, and the completed cycles', () => {
    const firstExperiment = experimentIdOf(ledger[0]!)!;
    const views = PROJECTIONS.map((p) => p.initialView());
    let checked = 0;
    for (const event of ledger) {
      const owner = experimentIdOf(event);
      PROJECTIONS.forEach((projection, i) => {
        if (!projection.handledEventTypes.includes(event.type as never)) return;
        const before = views[i]!;
        const after = projection.evolve(before, event);
        const untouched = experimentOf(before, firstExperiment);
        if (owner !== null && owner !== firstExperiment && untouched !== undefined) {
          assert.equal(experimentOf(after, firstExperiment), untouched, `${projection.name} copied an untouched experiment`);
          checked++;
        }
        if (projection === cycleStatisticsProjection && event.type !== 'CycleCompleted' && owner !== null) {
          const stats = (view: unknown) => (experimentOf(view, owner) as { completedCycles: unknown } | undefined)?.completedCycles;
          if (stats(before) !== undefined) assert.equal(stats(after), stats(before), `${event.type} copied the completed cycles`);
        }
        views[i] = after;
      });
    }
    assert.ok(checked > 500, `only ${checked} events of the later experiments were checked`);
  });
});

/** A view's node for one experiment, whether the view keys experiments by a record or by a persistent map. */
function experimentOf(view: unknown, experimentId: string): unknown {
  const experiments = (view as { experiments: Readonly<Record<string, unknown>> | PersistentMap<unknown> }).experiments;
  return isPersistentMap(experiments) ? get(experiments, experimentId) : experiments[experimentId];
}

function isPersistentMap(value: object): value is PersistentMap<unknown> {
  return 'root' in value && 'size' in value && typeof (value as { size: unknown }).size === 'number';
}
