/**
 * Structured errors: every failure carries a stable code (tests and callers switch on it), and
 * the message names the parameter or operation, what was expected and what was given.
 */
export type FfnnErrorCode =
  | 'INVALID_PARAM'
  | 'INVALID_DATA'
  | 'SHAPE_MISMATCH'
  | 'EMPTY_DATA'
  | 'NON_FINITE_INPUT'
  | 'SINGLE_CLASS'
  | 'UNKNOWN_LABEL'
  | 'NOT_FITTED'
  | 'NON_FINITE_LOSS'
  | 'BACKEND_UNAVAILABLE'
  | 'MODEL_FORMAT'
  | 'IO_ERROR'
  /** An input (file, declared dimension, class count, decompressed size) is past a documented limit. */
  | 'SIZE_LIMIT'
  /** Training was stopped by an AbortSignal or Ctrl-C. */
  | 'ABORTED'
  /** An output path is one of the command's inputs, another output, or a special file. */
  | 'OUTPUT_CONFLICT'
  /** A fit was started while another (fitAsync / partialFitAsync) is still training the model. */
  | 'BUSY';

export class FfnnError extends Error {
  readonly code: FfnnErrorCode;
  /** Optional structured details (parameter name, expected, got, epoch...). */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: FfnnErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'FfnnError';
    this.code = code;
    this.details = details;
  }
}

/** Short printable form of a user-supplied value for error messages. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return `[${value.slice(0, 5).map(describeValue).join(', ')}${value.length > 5 ? ', ...' : ''}]`;
  try {
    const s = JSON.stringify(value);
    return s.length > 80 ? s.slice(0, 77) + '...' : s;
  } catch {
    return Object.prototype.toString.call(value);
  }
}
