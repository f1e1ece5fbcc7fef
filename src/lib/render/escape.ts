/**
 * HTML escaping for untrusted session text. Every string from a rollout reaches the page through
 * `escapeHtml` (or through a renderer built on it); nothing else in the session code may produce
 * markup from session text.
 */

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes `& < > " '` so the result is safe as element text and inside quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/**
 * `class=k` for one class, `class="l9 d8"` for several: an attribute value without spaces or
 * quote characters needs no quotes (HTML's unquoted attribute syntax), and our class names are
 * fixed strings, never session text.
 */
export function classAttr(classes: string): string {
  return /^[\w-]+$/.test(classes) ? `class=${classes}` : `class="${escapeHtml(classes)}"`;
}

/**
 * Characters a reader must see rather than have act on the text: C0/C1 controls (except tab and
 * newline), DEL, and the bidirectional marks, embeddings, overrides and isolates that can make
 * code read differently from how it runs ("Trojan Source").
 */
// eslint-disable-next-line no-control-regex
const CONTROL_RE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

/** `U+202E`-style name of one UTF-16 code unit. */
function codePointName(char: string): string {
  return `U+${char.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** True when the text holds a character `visibleControls` would mark. */
export function hasControls(text: string): boolean {
  CONTROL_RE.lastIndex = 0;
  const found = CONTROL_RE.test(text);
  CONTROL_RE.lastIndex = 0;
  return found;
}

/**
 * Escapes `text` and replaces control and bidi characters with a visible marker
 * (`<span class="ctl" title="U+202E">⟨U+202E⟩</span>`), so hidden characters cannot reorder or
 * disguise what the reader sees. Tab and newline are kept as they are.
 */
export function visibleControls(text: string): string {
  return escapeHtml(text).replace(CONTROL_RE, (c) => {
    const name = codePointName(c);
    return `<span class="ctl" title="${name}">⟨${name}⟩</span>`;
  });
}

/**
 * The same markers as plain text (`⟨U+202E⟩`), for strings the site shows through its own
 * templates rather than through a renderer: titles, project names, page titles, search metadata.
 * Tab and newline are kept.
 */
export function showControls(text: string): string {
  return text.replace(CONTROL_RE, (c) => `⟨${codePointName(c)}⟩`);
}

/** Carriage returns in stored text are almost always CRLF line ends; keep lone `\r` visible. */
export function normaliseNewlines(text: string): string {
  return text.replace(/\r\n/g, '\n');
}

/** Escapes text for display: CRLF folded to LF, controls and bidi characters made visible. */
export function safeText(text: string): string {
  return visibleControls(normaliseNewlines(text));
}
