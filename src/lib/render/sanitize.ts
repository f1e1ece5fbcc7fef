/**
 * The second line of defence for rendered markdown: an allowlist of exactly the markup the
 * markdown renderer emits.
 *
 * sanitize-html parses and re-serialises every block, ~2.6 ms a session page on the build's main
 * thread, which a cold build waits for (~50 s at 20,000 sessions). Nearly every block is already
 * inside the allowlist, so `withinAllowlist` first reads the HTML once with a strict grammar; only
 * HTML it cannot vouch for goes through sanitize-html. Both enforce the same allowlist, so the
 * guarantee is unchanged: no element, attribute or link scheme outside it reaches a page.
 */
import sanitizeHtml from 'sanitize-html';

/** `rel` on every link out of a transcript: untrusted, user-generated, no referrer, no opener. */
export const LINK_REL = 'noopener noreferrer nofollow ugc';

/** Elements a rendered block may hold, each with the attributes it may carry besides `class`. */
const ALLOWED: Record<string, readonly string[]> = {
  p: [], br: [], hr: [], h3: [], h4: [], h5: [], h6: [], blockquote: [], ul: [], ol: ['start'], li: [],
  strong: [], em: [], s: [], code: [], pre: [], span: ['title'], a: ['href', 'rel'],
  table: [], thead: [], tbody: [], tr: [], th: [], td: [],
};
const VOID = new Set(['br', 'hr']);

const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: Object.keys(ALLOWED),
  allowedAttributes: { '*': ['class'], ...Object.fromEntries(Object.entries(ALLOWED).filter(([, a]) => a.length > 0).map(([t, a]) => [t, [...a]])) },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesAppliedToAttributes: ['href'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  // Whatever reaches here, links leave with our rel and never a target.
  transformTags: {
    a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, rel: LINK_REL } }),
  },
};

/** A tag, a stray angle bracket, or an ampersand that does not start one of the escapes we write. */
const MARKUP_RE = /<[^<>]*>|[<>]|&(?!(?:amp|lt|gt|quot|#39);)/g;
/*
 * Whitespace as HTML's tokenizer has it. JavaScript's `\s` also matches U+00A0, U+FEFF, U+2028
 * and the like, which a browser reads as part of a tag or attribute name: `</a\u00a0>` is no end
 * tag, and `\u00a0rel` no `rel` (found by review: such strings passed the check).
 */
const WS = '[ \\t\\n\\f\\r]';
/** `<name attrs>` or `</name>`; attributes are checked one by one below. */
const TAG_RE = new RegExp(`^<(\\/?)([a-z][a-z0-9]*)((?:${WS}[^<>]*)?)>$`);
const TRAILING_WS = new RegExp(`${WS}+$`);
/** One attribute: a double-quoted value (no quote or angle bracket inside) or a bare token. */
const ATTR_RE = new RegExp(`${WS}+([a-z]+)=(?:"([^"<>]*)"|([A-Za-z0-9_-]+))`, 'y');
/** Link targets the allowlist keeps, as written (an entity cannot hide the scheme's letters). */
const SAFE_HREF_RE = /^(?:https?:|mailto:)/i;

/**
 * True when `html` is well-formed markup inside the allowlist that needs no rewriting: every tag
 * allowed and closed in order, every attribute allowed for its tag, each link with an allowed
 * scheme and our `rel`, and no `<`, `>` or `&` outside tags except as the escapes we write.
 * False means "not sure", never "unsafe".
 */
export function withinAllowlist(html: string): boolean {
  const open: string[] = [];
  MARKUP_RE.lastIndex = 0;
  for (let m = MARKUP_RE.exec(html); m !== null; m = MARKUP_RE.exec(html)) {
    const tag = TAG_RE.exec(m[0]);
    if (!tag) return false;
    const [, closing, name, rawAttrs] = tag as unknown as [string, string, string, string];
    const attrs = rawAttrs.replace(TRAILING_WS, '');
    const allowed = ALLOWED[name];
    if (!allowed) return false;
    if (closing) {
      if (attrs || open.pop() !== name) return false;
      continue;
    }
    if (!attributesAllowed(name, attrs, allowed)) return false;
    if (!VOID.has(name)) open.push(name);
  }
  return open.length === 0;
}

function attributesAllowed(tag: string, attrs: string, allowed: readonly string[]): boolean {
  const seen = new Set<string>();
  ATTR_RE.lastIndex = 0;
  while (ATTR_RE.lastIndex < attrs.length) {
    const a = ATTR_RE.exec(attrs);
    if (!a) return false;
    const name = a[1]!;
    const value = a[2] ?? a[3]!;
    if (seen.has(name) || (name !== 'class' && !allowed.includes(name))) return false;
    seen.add(name);
    if (name === 'href' && !SAFE_HREF_RE.test(value)) return false;
    if (name === 'rel' && value !== LINK_REL) return false;
    if (name === 'start' && !/^\d+$/.test(value)) return false;
  }
  // sanitize-html gives every link our rel; one without it is left to sanitize-html.
  return tag !== 'a' || seen.has('rel');
}

/** The allowlist applied to HTML we produced: as it is when `withinAllowlist`, else by sanitize-html. */
export function sanitize(html: string): string {
  return withinAllowlist(html) ? html : sanitizeHtml(html, SANITIZE);
}

/** sanitize-html alone, for tests that compare the two. */
export function sanitizeFully(html: string): string {
  return sanitizeHtml(html, SANITIZE);
}
