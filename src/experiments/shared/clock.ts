/** The clock port: recordedAt comes from here, never from the database, so tests can pin time. */
export const CLOCK = Symbol('CLOCK');

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that always reads `iso` (for deterministic tests and replays). */
export const fixedClock = (iso: string): Clock => ({ now: () => new Date(iso) });
