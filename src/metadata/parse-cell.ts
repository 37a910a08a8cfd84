/** Result of reading a CSV cell as a number. */
export type NumberCell =
  | { readonly ok: true; readonly value: number }
  | { readonly ok: false; readonly reason: 'empty' | 'not a number' | 'not finite' };

// NOTE: Number() alone accepts '', '0x1f', ' 1 ' and 'Infinity'; a meta-dataset cell must be a plain decimal.
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const NON_FINITE = /^[+-]?(?:nan|inf|infinity)$/i;

/** Parses a decimal number cell (`1`, `-0.5`, `1e-05`), telling empty, non-numeric and non-finite apart. */
export function parseNumberCell(text: string): NumberCell {
  if (text === '') return { ok: false, reason: 'empty' };
  if (DECIMAL.test(text)) {
    const value = Number(text);
    return Number.isFinite(value) ? { ok: true, value } : { ok: false, reason: 'not finite' };
  }
  if (NON_FINITE.test(text)) return { ok: false, reason: 'not finite' };
  return { ok: false, reason: 'not a number' };
}

/** Parses a positive integer cell (epochs); null when it is not one. */
export function parsePositiveInteger(text: string): number | null {
  if (!/^\+?\d+$/.test(text)) return null;
  const value = Number(text);
  return Number.isSafeInteger(value) && value >= 1 ? value : null;
}

/** Quotes a value for display in a problem message, shortened so one bad cell cannot flood the terminal. */
export function quoteCell(text: string): string {
  const short = text.length > 40 ? `${text.slice(0, 37)}...` : text;
  return `'${short}'`;
}
