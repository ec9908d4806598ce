/** Small helpers for hand-written SVG and HTML: escaping and compact number formatting. */

/** Escapes text for an XML/HTML text node or a double-quoted attribute. */
export function esc(s: unknown): string {
  return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A coordinate with at most 2 decimals (keeps the SVG small). */
export const px = (v: number): string => String(Math.round(v * 100) / 100);

/** A number for people: 4 significant digits, exponent form for very small or large values. */
export function num(v: number | null | undefined, digits = 4): string {
  if (v === null || v === undefined) return '-';
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a < 1e-3 || a >= 1e6) return v.toExponential(digits - 1);
  return String(Number(v.toPrecision(digits)));
}
