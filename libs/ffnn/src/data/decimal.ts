/**
 * Strict decimal numbers, shared by the CSV reader and the CLI's numeric flags. JavaScript's
 * Number() also reads "0x10", "0b11", "0o7", "Infinity", "" (as 0) and surrounding whitespace;
 * in a data file those are a typo or another tool's notation, never a value to take silently.
 */

/** Optional sign, digits with an optional decimal point (".5" and "5." included), optional exponent. */
const DECIMAL = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;

/** What parseDecimal accepts, for error messages. */
export const DECIMAL_HINT = 'plain decimal notation (optional sign, digits, optional decimal point and exponent: 12, -0.5, .5, 3., 1e-3)';

/**
 * The value of `text` when it is a finite number written in plain decimal notation (see DECIMAL_HINT),
 * else null. No whitespace is trimmed; hex, binary, octal, underscores, Infinity and NaN are refused,
 * and so is a value too large for a double ("1e999").
 */
export function parseDecimal(text: string): number | null {
  if (!DECIMAL.test(text)) return null;
  const v = Number(text);
  return Number.isFinite(v) ? v : null;
}
