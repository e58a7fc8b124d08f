/**
 * Text that is well-formed Unicode: no lone UTF-16 surrogate (`"\ud800"` is valid JSON but
 * names no character, cannot be encoded as UTF-8 or percent-encoded, and so cannot be part
 * of a key or a URL).
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function isWellFormedText(value: string): boolean {
  return !LONE_SURROGATE.test(value);
}

export const WELL_FORMED_MESSAGE = 'well-formed text (no lone surrogate characters)';
