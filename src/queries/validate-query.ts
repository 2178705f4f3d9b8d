import { validateSync, type ValidationError } from 'class-validator';
import { LedgerError } from '../../domain/shared/ledger-error';

/** Every query is checked before it reads anything; all problems are listed at once. */
export function validateQuery(query: object): void {
  const errors = validateSync(query, { forbidUnknownValues: true });
  if (errors.length === 0) return;
  const problems = flatten(errors);
  throw new LedgerError('BAD_INPUT', `invalid ${query.constructor.name}: ${problems.join('; ')}`,
    'Check the arguments against --help.', { problems });
}

function flatten(errors: readonly ValidationError[], prefix = ''): string[] {
  return errors.flatMap((e) => {
    const path = prefix ? `${prefix}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((m) => `${path}: ${m}`);
    return [...own, ...flatten(e.children ?? [], path)];
  });
}
