// Examples shown beside a figure: as SQL literals, so no value can break the line or the
// rendering; a long one cut short, a long number in scientific notation.
import { displayLiteral } from '../model/identifiers.js';

/** Characters of an example shown before it is cut short. */
const EXAMPLE_CHARS = 57;

/** Significant digits kept of a number too long to show whole. */
const NUMBER_DIGITS = 20;

/**
 * A number's text in scientific notation (numeric prints every digit: 1e-400 takes 402
 * characters): `1e-400`, exact while its significant digits fit, else cut to NUMBER_DIGITS of
 * them. Null for text that is not a plain decimal number.
 */
export function scientific(text: string): { readonly text: string; readonly exact: boolean } | null {
  const m = /^(-?)([0-9]+)(?:\.([0-9]+))?$/.exec(text);
  if (!m) return null;
  const [, sign = '', whole = '', fraction = ''] = m;
  const all = whole + fraction;
  const first = all.search(/[1-9]/);
  if (first < 0) return { text: '0', exact: true };
  const exponent = whole.length - 1 - first;
  const digits = all.slice(first).replace(/0+$/, '');
  const kept = digits.slice(0, NUMBER_DIGITS);
  const mantissa = kept.length > 1 ? `${kept[0]}.${kept.slice(1)}` : kept;
  return { text: `${sign}${mantissa}e${exponent < 0 ? '-' : '+'}${Math.abs(exponent)}`, exact: kept.length === digits.length };
}

/**
 * ", e.g. 'x'": the example as an SQL literal, so no value can break the line or the rendering.
 * A long one is cut short, but a number (`number`) is shown in scientific notation: its first
 * digits alone would tell nothing ('0.0000000'...).
 */
export function shownExample(example: string | null, number = false): string {
  if (example === null) return '';
  const chars = [...example];
  if (chars.length <= EXAMPLE_CHARS + 3) return `, e.g. ${displayLiteral(example)}`;
  const short = number ? scientific(example) : null;
  if (short) return `, e.g. ${short.exact ? '' : 'about '}${displayLiteral(short.text)}`;
  return `, e.g. ${displayLiteral(chars.slice(0, EXAMPLE_CHARS).join(''))}...`;
}
