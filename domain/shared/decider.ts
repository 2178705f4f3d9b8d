/**
 * A decider (Emmett / Chassaing): three pure functions. `decide` throws LedgerError('REFUSED') for a broken rule;
 * the caller folds `evolve` over a stream from `initialState()` to get the state `decide` sees.
 */
export interface Decider<Command, Event, State> {
  decide(command: Command, state: State): Event[];
  evolve(state: State, event: Event): State;
  initialState(): State;
}

/** A command as deciders see it: readonly data under a literal type (metadata travels beside it, not in it). */
export interface DomainCommand<Type extends string = string, Data = unknown> {
  readonly type: Type;
  readonly data: Data;
}

/** Exhaustiveness guard for the last branch of a switch over a union. */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(value)}`);
}
