/**
 * The common currency of every detection layer: a half-open range of the scanned text and the
 * rule that claimed it. Layers only find; `applyFindings` decides what the text becomes.
 */

/** One thing to hide. `replacement` defaults to the placeholder of `rule`. */
export interface Finding {
  start: number;
  end: number;
  /** Stable rule id, e.g. `github-pat`, `assignment`, `email`. Never the value. */
  rule: string;
  /** Text to put instead (e.g. `~` for the home folder); default `[REDACTED:<rule>]`. */
  replacement?: string;
  /**
   * Which rule names a merged range: higher wins. Provider rules 4, our secret rules 3, generic
   * gitleaks rules 2.5, e-mail 2, user name 1, home folder 0.
   */
  priority: number;
}

/** The placeholder that replaces a secret. Contains nothing of the secret. */
export const placeholder = (rule: string): string => `[REDACTED:${rule}]`;

/** Matches any placeholder we write (rule ids are lowercase ASCII with `.-_/`). */
export const PLACEHOLDER_RE = /\[REDACTED:[a-z0-9._/-]{1,64}\]/g;

/** Characters a token is made of: used to carry a cut match on to the end of its token. */
export const TOKEN_CHAR = /[A-Za-z0-9+/=_\-.~]/;

/** Extends `end` over token characters (a match cut by a window edge must not leave a tail). */
export function extendOverToken(text: string, end: number): number {
  let e = end;
  while (e < text.length && TOKEN_CHAR.test(text[e]!)) e++;
  return e;
}

/**
 * Merges overlapping findings and rewrites the text. Returns the new text and, per emitted
 * replacement, the rule id that names it.
 */
export function applyFindings(text: string, findings: Finding[]): { text: string; rules: string[] } {
  if (findings.length === 0) return { text, rules: [] };
  const sorted = [...findings].filter((f) => f.end > f.start).sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: Finding[] = [];
  for (const f of sorted) {
    const last = merged[merged.length - 1];
    if (last && f.start < last.end) {
      const winner = f.priority > last.priority ? f : last;
      merged[merged.length - 1] = {
        start: last.start,
        end: Math.max(last.end, f.end),
        rule: winner.rule,
        priority: winner.priority,
        // Two different kinds of finding in one range: only a placeholder is safe.
        replacement: f.replacement === last.replacement ? winner.replacement : undefined,
      };
    } else merged.push({ ...f });
  }
  let out = '';
  let pos = 0;
  const rules: string[] = [];
  for (const f of merged) {
    out += text.slice(pos, f.start) + (f.replacement ?? placeholder(f.rule));
    rules.push(f.rule);
    pos = f.end;
  }
  return { text: out + text.slice(pos), rules };
}
