/**
 * The one error type of nas-ledger. Every failure that reaches a user is a LedgerError with a code;
 * each code maps to one CLI exit status and one HTTP status, so scripts and clients can branch on it.
 */
export const ERROR_CODES = {
  BAD_INPUT: { exit: 2, http: 400 },
  NOT_FOUND: { exit: 3, http: 404 },
  CONFLICT: { exit: 4, http: 409 },
  REFUSED: { exit: 5, http: 422 },
  INTEGRITY: { exit: 6, http: 500 },
  TOO_LARGE: { exit: 7, http: 413 },
  LOCKED: { exit: 8, http: 423 },
  UNAVAILABLE: { exit: 9, http: 503 },
  TIMEOUT: { exit: 10, http: 504 },
  UNSUPPORTED: { exit: 11, http: 501 },
  INTERRUPTED: { exit: 130, http: 499 },
  INTERNAL: { exit: 1, http: 500 },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class LedgerError extends Error {
  override readonly name = 'LedgerError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** What the user should do about it; printed after the message. */
    readonly hint?: string,
    readonly details?: Readonly<Record<string, unknown>>,
  ) {
    super(message);
  }

  get exitStatus(): number {
    return ERROR_CODES[this.code].exit;
  }

  get httpStatus(): number {
    return ERROR_CODES[this.code].http;
  }

  toJSON(): Record<string, unknown> {
    return { code: this.code, message: this.message, hint: this.hint, details: this.details };
  }

  /** Normalises anything thrown into a LedgerError, keeping the original as the cause. */
  static from(error: unknown): LedgerError {
    if (error instanceof LedgerError) return error;
    const message = error instanceof Error ? error.message : String(error);
    const wrapped = new LedgerError('INTERNAL', message, 'This is a bug in nas-ledger; please report it with the command you ran.');
    (wrapped as { cause?: unknown }).cause = error;
    return wrapped;
  }
}
