/**
 * Structured errors: every failure carries a stable code (tests and callers switch on it), and
 * the message names the parameter or operation, what was expected and what was given.
 */
export type FfnnErrorCode =
  /** An option or argument is not valid: unknown name, wrong type or out of range (details.param names it). */
  | 'INVALID_PARAM'
  /** Input data cannot be used as given: unparsable CSV or JSON, a malformed target, a bad config file. */
  | 'INVALID_DATA'
  /** Dimensions disagree: X and y row counts, feature count at predict time, a matrix's rows * cols against its data. */
  | 'SHAPE_MISMATCH'
  /** No rows (or no features) where training or prediction needs at least one. */
  | 'EMPTY_DATA'
  /** An input value is NaN or infinite. */
  | 'NON_FINITE_INPUT'
  /** A label (in partialFit, classWeight or score) is not one of the model's classes. */
  | 'UNKNOWN_LABEL'
  /** A fitted attribute or prediction was asked of a model that has not been fitted. */
  | 'NOT_FITTED'
  /** Training diverged: the loss or a weight turned non-finite (or the loss passed 1e20); the model is left as it was before the call. Not with earlyStopping: the best weights are restored and a DIVERGED warning says so. */
  | 'NON_FINITE_LOSS'
  /** backend: 'native' was asked for but the addon did not load; the message says why. */
  | 'BACKEND_UNAVAILABLE'
  /** A model file or JSON document is not one this version reads: wrong magic, version, checksum or content. */
  | 'MODEL_FORMAT'
  /** Reading or writing a file failed (missing, not writable, not a regular file, disk full). */
  | 'IO_ERROR'
  /** An input (file, declared dimension, class count, decompressed size) is past a documented limit. */
  | 'SIZE_LIMIT'
  /** Training was stopped by an AbortSignal or Ctrl-C. */
  | 'ABORTED'
  /** An output path is one of the command's inputs, another output, or a special file. */
  | 'OUTPUT_CONFLICT'
  /** A fit was started while another (fitAsync / partialFitAsync) is still training the model. */
  | 'BUSY';

/** Every error ffnn throws: a stable `code`, a message naming what was expected and what was given, and structured `details`. */
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
    return s.length > 80 ? `${s.slice(0, 77)}...` : s;
  } catch {
    return Object.prototype.toString.call(value);
  }
}
