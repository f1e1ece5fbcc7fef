/**
 * Markdown from a session (prompts, answers, reasoning summaries, plans) to safe HTML.
 *
 * First line of defence: markdown-it with raw HTML off, links limited to http/https/mailto (any
 * other link stays as its source text), images never loaded (remote ones become links, inline
 * `data:` ones a placeholder), every text run escaped with control characters made visible.
 * Second line: the allowlist of exactly what the first line emits (`sanitize.ts`).
 */
import MarkdownItFactory, { type MarkdownIt, type Token } from 'markdown-it';
import { visibleControls } from './escape.ts';
import { highlight } from './highlight.ts';
import { LINK_REL, sanitize } from './sanitize.ts';

/** Schemes a rendered link may use. */
const SAFE_LINK_RE = /^(https?:|mailto:)/i;
/** What markdown-it may parse as a link target at all (`data:image/` only so images can be replaced). */
const PARSEABLE_LINK_RE = /^(https?:|mailto:|data:image\/)/i;
const REMOTE_RE = /^https?:/i;

/** Options for `renderMarkdown`. */
export interface MarkdownOptions {
  /** Treat single newlines as line breaks (typed prompts); default false (model prose). */
  breaks?: boolean;
  /**
   * Levels added to markdown headings so `#` in a message never competes with the page's `h1`
   * and turn `h2`s. Default 2 (`#` becomes `h3`); the result is capped at `h6`.
   */
  headingOffset?: number;
}

function textToken(state: { Token: typeof Token }, content: string): Token {
  const t = new state.Token('text', '', 0);
  t.content = content;
  return t;
}

/** Rewrites inline tokens: unsafe links lose their anchor, images become links or placeholders. */
function rewriteInline(children: Token[], state: { Token: typeof Token }): Token[] {
  const out: Token[] = [];
  let droppingLink = false;
  for (const token of children) {
    if (token.type === 'link_open') {
      const href = String(token.attrGet('href') ?? '');
      if (!SAFE_LINK_RE.test(href.trim())) {
        droppingLink = true;
        continue;
      }
      token.attrSet('rel', LINK_REL);
      out.push(token);
    } else if (token.type === 'link_close') {
      if (droppingLink) droppingLink = false;
      else out.push(token);
    } else if (token.type === 'image') {
      const src = String(token.attrGet('src') ?? '').trim();
      const alt = token.children?.map((c) => c.content).join('') ?? token.content;
      if (REMOTE_RE.test(src)) {
        const open = new state.Token('link_open', 'a', 1);
        open.attrs = [['href', src], ['rel', LINK_REL], ['class', 'remote-image']];
        out.push(open, textToken(state, `Image: ${alt || src}`), new state.Token('link_close', 'a', -1));
      } else {
        out.push(textToken(state, `[inline image${alt ? `: ${alt}` : ''} not shown]`));
      }
    } else {
      out.push(token);
    }
  }
  return out;
}

function createRenderer(options: Required<MarkdownOptions>): MarkdownIt {
  const md = new MarkdownItFactory({
    html: false,
    linkify: true,
    typographer: false,
    breaks: options.breaks,
    highlight: (code, lang) => highlight(code, lang),
  });
  md.validateLink = (url) => PARSEABLE_LINK_RE.test(url.trim());

  md.core.ruler.push('codex_archive_safety', (state) => {
    for (const token of state.tokens) {
      if (token.type === 'inline' && token.children) {
        token.children = rewriteInline(token.children, state);
      } else if (token.type === 'heading_open' || token.type === 'heading_close') {
        const level = Number(token.tag.slice(1));
        token.tag = `h${Math.min(6, level + options.headingOffset)}`;
      } else if (token.type === 'th_open' || token.type === 'td_open') {
        // markdown-it aligns cells with a style attribute; the CSP forbids those, so use a class.
        const style = String(token.attrGet('style') ?? '');
        const align = style.match(/text-align:(left|right|center)/)?.[1];
        token.attrs = align ? [['class', `align-${align}`]] : null;
      }
    }
  });

  const rules = md.renderer.rules;
  rules.text = (tokens, idx) => visibleControls(tokens[idx]!.content);
  rules.code_inline = (tokens, idx) => `<code>${visibleControls(tokens[idx]!.content)}</code>`;
  rules.code_block = (tokens, idx) => `${highlight(tokens[idx]!.content, null)}\n`;
  return md;
}

const renderers = new Map<string, MarkdownIt>();

/**
 * Renders untrusted markdown to sanitised HTML. Synchronous; fenced code is highlighted when
 * `initHighlighter()` has finished, else shown as escaped plain text.
 */
export function renderMarkdown(md: string, options: MarkdownOptions = {}): string {
  const resolved = { breaks: options.breaks ?? false, headingOffset: options.headingOffset ?? 2 };
  const key = `${resolved.breaks}/${resolved.headingOffset}`;
  let renderer = renderers.get(key);
  if (!renderer) {
    renderer = createRenderer(resolved);
    renderers.set(key, renderer);
  }
  return sanitize(renderer.render(md.replace(/\r\n/g, '\n')));
}
