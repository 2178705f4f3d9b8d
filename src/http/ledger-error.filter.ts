import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { LedgerError, type ErrorCode } from '../../domain/shared/ledger-error';
import { apiRoutes } from './api-routes';

/** Framework errors (unknown route, wrong method) speak the same {code, message, hint} language as ours. */
const CODE_BY_HTTP_STATUS: Readonly<Record<number, ErrorCode>> = {
  400: 'BAD_INPUT', 404: 'NOT_FOUND', 405: 'UNSUPPORTED', 409: 'CONFLICT', 413: 'TOO_LARGE', 422: 'REFUSED', 501: 'UNSUPPORTED',
  503: 'UNAVAILABLE', 504: 'TIMEOUT',
};

const GENERAL_HINT = 'See `nas-ledger serve --help` for the routes and their query parameters.';
/** Read once from the controllers' route metadata: the same list `serve --help` prints. */
const UNKNOWN_ROUTE_HINT = `The API is read with GET: ${apiRoutes().join(', ')}; the dashboard is at /. ${GENERAL_HINT}`;

interface JsonResponse {
  status(code: number): JsonResponse;
  json(body: unknown): void;
  readonly headersSent: boolean;
}

/**
 * The one place an HTTP error body is made: every LedgerError leaves with its own httpStatus and
 * {code, message, hint, details}; anything else becomes a LedgerError first (INTERNAL, 500, logged to stderr).
 */
@Catch()
export class LedgerErrorFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const error = toLedgerError(exception);
    if (error.code === 'INTERNAL') {
      const cause = (error as { cause?: unknown }).cause ?? exception;
      process.stderr.write(`nas-ledger serve: internal error: ${cause instanceof Error ? cause.stack : String(cause)}\n`);
    }
    const response = host.switchToHttp().getResponse<JsonResponse>();
    if (response.headersSent) return;
    // Clients can rely on a hint: errors thrown without one get the general advice.
    response.status(error.httpStatus).json({ ...error.toJSON(), hint: error.hint ?? GENERAL_HINT });
  }
}

function toLedgerError(exception: unknown): LedgerError {
  if (exception instanceof LedgerError) return exception;
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const code = CODE_BY_HTTP_STATUS[status];
    if (code) {
      return new LedgerError(code, exception.message, status === 404 ? UNKNOWN_ROUTE_HINT : undefined);
    }
  }
  return LedgerError.from(exception);
}
