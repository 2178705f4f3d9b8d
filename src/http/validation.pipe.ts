import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { LedgerError } from '../../domain/shared/ledger-error';

/**
 * class-validator on every path and query DTO. Unknown query parameters are refused rather than ignored, so a typo
 * like ?asofCycle=3 does not silently answer for the head. Failures become BAD_INPUT, which the filter turns into 400.
 */
export function httpValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    transform: true,
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    stopAtFirstError: true,
    exceptionFactory: (errors) => {
      const problems = flatten(errors);
      return new LedgerError('BAD_INPUT', `invalid request: ${problems.join('; ')}`,
        'Query parameters: asOfCycle (>= 1), asOfPosition (>= 0) or asOfTime (ISO-8601), at most one; cycle (>= 1) for candidates.',
        { problems });
    },
  });
}

function flatten(errors: readonly ValidationError[], prefix = ''): string[] {
  return errors.flatMap((e) => {
    const path = prefix ? `${prefix}.${e.property}` : e.property;
    return [...Object.values(e.constraints ?? {}).map((m) => (m.startsWith(path) ? m : `${path}: ${m}`)), ...flatten(e.children ?? [], path)];
  });
}
