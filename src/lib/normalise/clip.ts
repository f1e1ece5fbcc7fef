/**
 * Bounds the memory a session takes: a command output of many megabytes would otherwise be held
 * whole, so a reader's peak memory would grow with the largest session. Strings longer than the
 * limit keep their head and tail around an explicit marker naming what was left out and where
 * the full text is; nothing disappears silently. Inline images (data: URLs) are kept whole,
 * since a cut image is useless; pages move them into files.
 */

/** Longest text kept whole, in characters. Pages show far less; this bounds the model. */
export const MAX_TEXT_CHARS = 1_000_000;

/**
 * Clip every overlong string inside a parsed record, in place (the record is ours: fresh from
 * JSON.parse). Iterative, so hostile nesting cannot overflow the stack. Returns how many
 * characters were left out.
 */
export function clipLongStrings(value: unknown, line: number, limit = MAX_TEXT_CHARS): number {
  let omitted = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node !== 'object' || node === null) continue;
    const entries: [string | number, unknown][] = Array.isArray(node) ? node.map((v, i) => [i, v]) : Object.entries(node);
    for (const [key, child] of entries) {
      if (typeof child === 'string') {
        if (child.length > limit && !child.startsWith('data:')) {
          const clipped = clipText(child, line, limit);
          omitted += child.length - limit;
          Object.defineProperty(node, key, { value: clipped, writable: true, enumerable: true, configurable: true });
        }
      } else if (typeof child === 'object' && child !== null) {
        stack.push(child);
      }
    }
  }
  return omitted;
}

/** Head and tail of `text` around a marker; the result is about `limit` characters long. */
export function clipText(text: string, line: number, limit = MAX_TEXT_CHARS): string {
  const half = Math.floor(limit / 2);
  const left = text.length - 2 * half;
  const clipped =
    `${text.slice(0, half)}\n\n[… ${left.toLocaleString('en-US')} characters left out by codex-archive to bound memory;` +
    ` the full text is in the rollout file, line ${line} …]\n\n${text.slice(text.length - half)}`;
  // V8 keeps the whole original alive behind a slice; a copy through a buffer lets it go.
  return Buffer.from(clipped, 'utf8').toString('utf8');
}
