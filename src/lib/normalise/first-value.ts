/**
 * The TypeScript CLI rewrote its one-document session file after every item with
 * un-serialised async writes, so 3 of the 5 corpus files are "torn": a complete JSON document
 * followed by the tail of an earlier, longer write. Reading them means taking the first
 * complete JSON value and reporting the rest (like Python's `raw_decode`).
 */

export interface FirstValue {
  /** The parsed first value, or undefined when the text holds no complete value. */
  value: unknown;
  /** Offset just past the first value (0 when none). */
  end: number;
  /** Non-whitespace text after the first value: a torn tail. */
  tail: string;
  /** Why parsing failed, when it did. */
  error: string | null;
}

/**
 * Find where the first top-level JSON value ends by scanning brackets outside strings, then let
 * JSON.parse validate exactly that slice. Iterative, so deep nesting cannot overflow the stack.
 */
export function readFirstJsonValue(text: string): FirstValue {
  let i = 0;
  while (i < text.length && /\s/.test(text[i]!)) i++;
  const start = i;
  const open = text[start];
  if (open !== '{' && open !== '[') {
    return { value: undefined, end: 0, tail: text.slice(start).trim(), error: 'does not start with a JSON object' };
  }
  let depth = 0;
  let inString = false;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) {
      depth--;
      if (depth === 0) {
        const end = i + 1;
        try {
          return { value: JSON.parse(text.slice(start, end)), end, tail: text.slice(end).trim(), error: null };
        } catch (err) {
          return { value: undefined, end: 0, tail: '', error: (err as Error).message };
        }
      }
    }
  }
  return { value: undefined, end: 0, tail: '', error: 'the document is cut off before its end' };
}

/** Responses API item types the TypeScript CLI saved; a recovered object must be one of them. */
const ITEM_TYPES = new Set([
  'message',
  'reasoning',
  'function_call',
  'function_call_output',
  'local_shell_call',
  'local_shell_call_output',
  'custom_tool_call',
  'custom_tool_call_output',
  'web_search_call',
]);

/**
 * A torn tail is the end of a newer, longer save: it usually starts mid-item and then holds
 * whole items the first document lacks (in the corpus: the final answer). Take every complete
 * item object in it; skip the partial start. Objects that are not items (content parts met when
 * starting inside an item) are stepped over.
 */
export function recoverTailItems(tail: string): unknown[] {
  const items: unknown[] = [];
  let from = 0;
  for (;;) {
    const at = tail.indexOf('{', from);
    if (at < 0) break;
    const found = readFirstJsonValue(tail.slice(at));
    if (found.value !== undefined && typeof found.value === 'object' && found.value !== null && !Array.isArray(found.value)) {
      const type = (found.value as Record<string, unknown>).type;
      if (typeof type === 'string' && ITEM_TYPES.has(type)) {
        items.push(found.value);
        from = at + found.end;
        continue;
      }
    }
    from = at + 1;
  }
  return items;
}
