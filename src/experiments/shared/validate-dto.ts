import 'reflect-metadata';
import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { LedgerError } from '../../../domain/shared/ledger-error';

/**
 * The guard on every command that comes in: plain input → DTO, validated with unknown keys refused, all problems
 * listed at once. Returns plain JSON data (no class prototypes), ready to go into a domain command.
 */
export function validateDto<T extends object>(dtoClass: ClassConstructor<T>, input: unknown, what = dtoClass.name): T {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new LedgerError('BAD_INPUT', `${what} must be an object`, 'Send the command fields as a JSON object.');
  }
  const instance = plainToInstance(dtoClass, input);
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
  if (errors.length > 0) {
    const problems = flatten(errors);
    throw new LedgerError('BAD_INPUT', `invalid ${what}: ${problems.join('; ')}`, 'Fix the listed fields and send the command again.', { problems });
  }
  return JSON.parse(JSON.stringify(instance)) as T;
}

function flatten(errors: readonly ValidationError[], prefix = ''): string[] {
  return errors.flatMap((e) => {
    const path = prefix ? `${prefix}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((m) => `${path}: ${m}`);
    return [...own, ...flatten(e.children ?? [], path)];
  });
}
