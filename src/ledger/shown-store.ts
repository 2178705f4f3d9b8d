import { redact } from './adapters/pg-client';

/**
 * A store location as it may be printed, logged or recorded: a postgres:// password masked by `redact` (the one
 * masking function, the one errors use), a directory as given.
 */
export function shownStore(location: string): string {
  return /^postgres(ql)?:\/\//i.test(location) ? redact(location) : location;
}
