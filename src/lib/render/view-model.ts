/**
 * What each item component shows, computed here so components only render. Every `…Html` field
 * is safe HTML produced by our escape, markdown, highlight or ANSI renderers; every other string
 * is plain text that Astro escapes.
 */
import type { Item, ImageRef } from '../model/session.ts';
import { ansiToHtml } from './ansi.ts';
import { diffRows, diffStats, type DiffRow } from './diff.ts';
import { safeText } from './escape.ts';
import { formatClock, formatCount, formatDateTime, formatDuration, plural } from './format.ts';
import { highlight, highlightCode, langForPath, MAX_HIGHLIGHT_CHARS } from './highlight.ts';
import { imageView, type ImageSrc, type ImageView } from './images.ts';
import { renderMarkdown } from './markdown.ts';
import { collapseOutput, DEFAULT_COLLAPSE, type CollapseOptions } from './output.ts';
import { gapNoteHtml } from './output-trim.ts';

/** An item of one kind. */
export type ItemOf<K extends Item['kind']> = Extract<Item, { kind: K }>;

/** Functions the page passes down: it decides URLs and where large data lives. */
export interface RenderContext {
  /** URL of another session's page (`../<id>/index.html`), or null when it is not in the archive. */
  hrefForSession?: (id: string) => string | null;
  /** URL where the page stored an inline image, or null. */
  imageSrc?: ImageSrc;
  /** URL of the full text of an item's huge output, when the page stored it as a file. */
  largeOutputHref?: (item: Item) => string | null;
  /** Output folding limits (defaults: `DEFAULT_COLLAPSE`). */
  collapse?: CollapseOptions;
  /**
   * URL of a long context block's whole text, when the page stored it as a file (the same
   * instructions repeat in every session, so one content-addressed file serves them all).
   */
  contextHref?: (item: ItemOf<'context'>) => string | null;
  /** The nickname of a sub-agent this session spawned, from its own file (v2 spawns name none). */
  agentName?: (threadId: string) => string | null;
}

/** Label per kind (each kind's decorative icon is drawn by session.css: `.kind-… > header::before`). */
export const KIND_META: Record<Item['kind'], { label: string }> = {
  user_message: { label: 'User' },
  assistant_message: { label: 'Codex' },
  reasoning: { label: 'Reasoning' },
  context: { label: 'Context' },
  shell: { label: 'Command' },
  patch: { label: 'Patch' },
  plan: { label: 'Plan' },
  web_search: { label: 'Web search' },
  mcp: { label: 'MCP tool' },
  view_image: { label: 'Image' },
  subagent: { label: 'Sub-agent' },
  agent_message: { label: 'Agent message' },
  tool_call: { label: 'Tool' },
  compaction: { label: 'Context compacted' },
  aborted: { label: 'Interrupted' },
  error: { label: 'Error' },
  rollback: { label: 'Rollback' },
  notice: { label: 'Notice' },
  unknown: { label: 'Unknown record' },
};

/** The frame around every item: anchor, label, time, source line. */
export interface FrameView {
  /** Element id, also the permalink fragment. */
  anchor: string;
  /** The label (escaped; may hold session text such as a tool name). */
  labelHtml: string;
  /** The label as plain text, for `aria-label`s. */
  label: string;
  /** `kind-shell` style class naming the item kind. */
  kindClass: string;
  /** `14:03:09`, in UTC like every time on the page (the turn heading carries the date). */
  clock: string | null;
  /** Tooltip of the label, which is the item's permalink: `Permalink · line 42` of the rollout file. */
  linkTitle: string;
}

/**
 * The element id of an item: `item-` plus its id with anything but letters, digits, `_` and `-`
 * replaced, so the fragment is a plain token in every URL and selector.
 */
export function itemAnchor(id: string): string {
  return `item-${id.replace(/[^A-Za-z0-9_-]/g, '-')}`;
}

/** Frame data for an item; `label` overrides the kind's label. */
export function frameView(item: Item, label?: string): FrameView {
  const meta = KIND_META[item.kind];
  return {
    anchor: itemAnchor(item.id),
    labelHtml: safeText(label ?? meta.label),
    label: label ?? meta.label,
    kindClass: `kind-${item.kind.replace(/_/g, '-')}`,
    clock: formatClock(item.at),
    linkTitle: `Permalink · line ${item.line}`,
  };
}

/** Tool output ready to show: head and tail in view, the middle folded, the rest linked. */
export interface OutputView {
  headHtml: string;
  middleHtml: string;
  tailHtml: string;
  /** `Show 120 more lines` (null when nothing is folded). */
  foldLabel: string | null;
  /** `12,345 characters not included` (null when everything is in the page). */
  omittedText: string | null;
  /** Where the full text lives, when the page stored it. */
  fullHref: string | null;
  /** True when the output is large enough that its folded part is kept out of the search index. */
  large: boolean;
}

/** How an output's text is turned into HTML. */
export type OutputFormat = 'ansi' | 'plain';

/** Splits and renders an output; null for missing or empty text. */
export function outputView(
  text: string | null,
  options: { format?: OutputFormat; collapse?: CollapseOptions; fullHref?: string | null; line?: number | null } = {},
): OutputView | null {
  if (text === null || text.trim() === '') return null;
  const format = options.format === 'plain' ? safeText : ansiToHtml;
  // Where the page left part of the output out (output-trim.ts), a note says so.
  const render = (part: string) => gapNoteHtml(format(part), options.line ?? null);
  const parts = collapseOutput(text, options.collapse ?? DEFAULT_COLLAPSE);
  return {
    // One trailing newline per part is the line end, not an empty line to show.
    headHtml: render(parts.head.replace(/\n$/, '')),
    middleHtml: parts.middle ? render(parts.middle.replace(/\n$/, '')) : '',
    tailHtml: parts.tail ? render(parts.tail.replace(/\n$/, '')) : '',
    foldLabel: parts.hiddenLineCount > 0 ? `Show ${plural(parts.hiddenLineCount, 'more line')}` : null,
    omittedText: parts.truncated ? `${plural(parts.omittedChars, 'character')} not included` : null,
    fullHref: parts.truncated || parts.middle ? (options.fullHref ?? null) : null,
    large: parts.hiddenLineCount > 0,
  };
}

/** Arguments or results that may be JSON: highlighted as JSON when they parse, else plain. */
export function jsonOrTextHtml(text: string): string {
  const trimmed = text.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      JSON.parse(trimmed);
      return highlight(trimmed, 'json');
    } catch {
      // Not JSON after all: fall through to plain text.
    }
  }
  return highlight(text, null);
}

/** True when arguments are worth showing (not `{}` or empty). */
export function hasArguments(text: string): boolean {
  const t = text.trim();
  return t !== '' && t !== '{}' && t !== 'null';
}

// ---------------------------------------------------------------------------------------------
// Messages

/** A user prompt. */
export function userMessageView(item: ItemOf<'user_message'>, ctx: RenderContext) {
  return {
    frame: frameView(item),
    html: renderMarkdown(item.text, { breaks: true }),
    images: imagesView(item.images, ctx),
  };
}

/** An assistant (or generation-0 system) message. */
export function assistantMessageView(item: ItemOf<'assistant_message'>) {
  const system = item.role === 'system';
  const phase = item.phase === 'final_answer' ? 'Final answer' : item.phase === 'commentary' ? 'Progress note' : null;
  return {
    frame: frameView(item, system ? 'System notice' : 'Codex'),
    html: renderMarkdown(item.text),
    // Linked only when http(s); a title or the URL as text otherwise.
    sources: (item.sources ?? []).map((s) => ({ href: /^https?:\/\//i.test(s.url.trim()) ? s.url.trim() : null, titleHtml: safeText(s.title ?? s.url), urlHtml: s.title ? safeText(s.url) : null })),
    phaseText: phase,
    phaseClass: item.phase === 'commentary' ? 'phase-commentary' : item.phase === 'final_answer' ? 'phase-final' : '',
  };
}

/** Reasoning summaries, shown folded with their first heading as the fold label. */
export function reasoningView(item: ItemOf<'reasoning'>) {
  const first = item.summary.find((s) => s.trim() !== '') ?? '';
  const title = first.split('\n')[0]!.replace(/^\s*(\*\*|__)(.*?)\1\s*$/, '$2').replace(/^#+\s*/, '').trim();
  const duration = formatDuration(item.durationMs);
  return {
    frame: frameView(item),
    titleHtml: title ? safeText(title.length > 120 ? `${title.slice(0, 119)}…` : title) : null,
    durationText: duration ? `thought for ${duration}` : null,
    html: item.summary.map((s) => renderMarkdown(s)).join('\n'),
    empty: item.summary.every((s) => s.trim() === ''),
  };
}

/** Characters of a context block a page shows when its whole text is stored as a file. */
export const CONTEXT_PREVIEW_CHARS = 320;

/**
 * Injected context: labelled, folded, kept out of search. The same instructions repeat in every
 * session (~7 KB per page), so a long block shows its start and links its whole text, one
 * content-addressed file shared by every session that carries it; without a file, long blocks
 * are cut to the output budget.
 */
export function contextView(item: ItemOf<'context'>, ctx: RenderContext = {}) {
  const fullHref = ctx.contextHref?.(item) ?? null;
  const limit = fullHref ? CONTEXT_PREVIEW_CHARS : (ctx.collapse ?? DEFAULT_COLLAPSE).maxChars;
  let cutAt = item.text.length > limit ? limit : item.text.length;
  if (cutAt < item.text.length) {
    const newline = item.text.lastIndexOf('\n', cutAt);
    if (newline > limit / 2) cutAt = newline;
    else if (/[\uD800-\uDBFF]/.test(item.text[cutAt - 1] ?? '')) cutAt--;
  }
  const cut = cutAt < item.text.length;
  return {
    frame: frameView(item, `Context: ${item.label}`),
    roleText: item.role,
    sizeText: plural(item.text.length, 'character'),
    textHtml: safeText(cut ? item.text.slice(0, cutAt) : item.text),
    omittedText: cut ? `${plural(item.text.length - cutAt, 'character')} not shown here` : null,
    fullHref: cut ? fullHref : null,
  };
}

/** A message between agents of one multi-agent tree. */
export function agentMessageView(item: ItemOf<'agent_message'>) {
  return {
    frame: frameView(item),
    authorHtml: item.author ? safeText(item.author) : null,
    recipientHtml: item.recipient ? safeText(item.recipient) : null,
    html: renderMarkdown(item.text),
  };
}

// ---------------------------------------------------------------------------------------------
// Tools

/** Outcome of a shell command, in words (colour only repeats it). */
export function shellStatus(item: ItemOf<'shell'>): { text: string; failed: boolean; state: string } {
  if (item.status === 'declined') return { text: 'Declined', failed: true, state: 'declined' };
  if (item.status === 'interrupted') return { text: 'Interrupted', failed: false, state: 'stopped' };
  if (item.exitCode === 0) return { text: 'Succeeded, exit code 0', failed: false, state: 'ok' };
  if (item.exitCode !== null) return { text: `Failed, exit code ${item.exitCode}`, failed: true, state: 'failed' };
  if (item.status === 'failed') return { text: 'Failed', failed: true, state: 'failed' };
  if (item.status === 'in_progress') return { text: 'Did not finish', failed: false, state: 'unknown' };
  if (item.status === 'completed') return { text: 'Completed', failed: false, state: 'ok' };
  return { text: 'Exit code not recorded', failed: false, state: 'unknown' };
}

/** A shell command with its outcome and output. */
export function shellView(item: ItemOf<'shell'>, ctx: RenderContext) {
  const status = shellStatus(item);
  return {
    frame: frameView(item, item.byUser ? 'Command run by the user' : 'Command'),
    commandHtml: highlight(item.command, 'bash', { className: 'command' }),
    workdirHtml: item.workdir ? safeText(item.workdir) : null,
    toolText: item.tool,
    status,
    durationText: formatDuration(item.durationMs),
    output: outputView(item.output, { collapse: ctx.collapse, fullHref: ctx.largeOutputHref?.(item) ?? null, line: item.line }),
  };
}

const OP_LABELS: Record<string, string> = { add: 'Added', delete: 'Deleted', update: 'Modified' };
/** Rows beyond this per file are cut: a generated lockfile diff would swamp the page. */
export const MAX_DIFF_ROWS = 2_000;

/**
 * Row HTML for a file's diff, highlighted in the file's language when we know it. The rows are
 * highlighted as one block (hunk headers blanked) so tokens spanning lines keep their colour, then
 * split back into rows: highlighted output keeps one line per input line.
 */
export function diffRowsHtml(rows: DiffRow[], path: string): { html: string[]; highlighted: boolean } {
  const lang = langForPath(path);
  const code = rows.map((r) => (r.kind === 'hunk' ? '' : r.text)).join('\n');
  if (lang && code.length <= MAX_HIGHLIGHT_CHARS) {
    const lines = highlightCode(code, lang).split('\n');
    if (lines.length === rows.length) {
      return { html: rows.map((r, i) => (r.kind === 'hunk' ? safeText(r.text) : lines[i]!)), highlighted: true };
    }
  }
  return { html: rows.map((r) => safeText(r.text)), highlighted: false };
}

/** Row class per kind; a context row, the most common kind after additions, needs none. */
const ROW_CLASSES: Record<DiffRow['kind'], string> = { add: '<tr class=add>', del: '<tr class=del>', hunk: '<tr class=hunk>', ctx: '<tr>' };

/**
 * The rows of a diff table: old line number, new line number, sign, text (session.css tells the
 * columns apart by position). Diffs are a large share of a page's markup, so each row is written
 * as short as HTML allows: `</td>`, `</tr>` and `<tbody>` are optional tags the parser supplies
 * (HTML Living Standard, "Optional tags"), and the cells carry no classes. `textHtml` is safe
 * HTML, one line per row, from `diffRowsHtml`.
 */
export function diffTableRowsHtml(rows: ReadonlyArray<Pick<DiffRow, 'kind' | 'oldNo' | 'newNo'>>, textHtml: readonly string[]): string {
  let html = '';
  for (const [i, row] of rows.entries()) {
    const sign = row.kind === 'add' ? '+' : row.kind === 'del' ? '−' : '';
    html += `${ROW_CLASSES[row.kind]}<td>${row.oldNo ?? ''}<td>${row.newNo ?? ''}<td>${sign}<td>${textHtml[i]!}`;
  }
  return html;
}

/** A patch: one diff per file with line numbers. */
export function patchView(item: ItemOf<'patch'>) {
  const files = item.files.map((file) => {
    const rows = diffRows(file);
    const stats = diffStats(rows);
    const shown = rows.slice(0, MAX_DIFF_ROWS);
    const { html, highlighted } = diffRowsHtml(shown, file.movePath ?? file.path);
    return {
      /** Syntax colours need plain row backgrounds to stay readable, so the table says which. */
      tableClass: highlighted ? 'diff code diff-highlighted' : 'diff',
      opText: file.movePath ? 'Moved' : (OP_LABELS[file.op] ?? file.op),
      opClass: `op-${file.movePath ? 'move' : (OP_LABELS[file.op] ? file.op : 'other')}`,
      pathHtml: safeText(file.path),
      movePathHtml: file.movePath ? safeText(file.movePath) : null,
      statsText: `+${formatCount(stats.added)} −${formatCount(stats.deleted)}`,
      statsLabel: `${plural(stats.added, 'line')} added, ${plural(stats.deleted, 'line')} removed`,
      rowsHtml: shown.length > 0 ? diffTableRowsHtml(shown, html) : null,
      cutText: rows.length > shown.length ? `${plural(rows.length - shown.length, 'more row')} not shown` : null,
    };
  });
  const outcome =
    item.success === true ? { text: 'Applied', state: 'ok' } : item.success === false ? { text: 'Failed to apply', state: 'failed' } : null;
  return {
    frame: frameView(item, `Patch: ${plural(item.files.length, 'file')}`),
    files,
    outcome,
    output: item.success === false || item.files.length === 0 ? outputView(item.output, { format: 'plain' }) : null,
    rawHtml: item.files.length === 0 && item.patch ? highlight(item.patch, 'diff') : null,
  };
}

/** Each step's status in words; its marker is drawn by session.css from `stateClass`. */
const STEP_STATUS: Record<string, { text: string }> = {
  completed: { text: 'Done' },
  in_progress: { text: 'In progress' },
  pending: { text: 'To do' },
};

/** A plan update: explanation, checklist with statuses in words, or plan-mode markdown. */
export function planView(item: ItemOf<'plan'>) {
  return {
    frame: frameView(item),
    explanationHtml: item.explanation ? renderMarkdown(item.explanation) : null,
    steps: item.steps.map((s) => ({
      html: safeText(s.step),
      statusText: STEP_STATUS[s.status]?.text ?? s.status,
      stateClass: `step-${STEP_STATUS[s.status] ? s.status.replace(/_/g, '-') : 'other'}`,
    })),
    textHtml: item.text ? renderMarkdown(item.text) : null,
  };
}

const SEARCH_ACTIONS: Record<string, string> = { search: 'Searched the web', open_page: 'Opened a page', find_in_page: 'Searched in a page' };

/** A web search, page open or find-in-page action. Links are plain http(s) links, never loaded. */
export function webSearchView(item: ItemOf<'web_search'>) {
  const url = item.url?.trim() ?? null;
  return {
    frame: frameView(item),
    actionText: SEARCH_ACTIONS[item.action] ?? item.action,
    queryHtml: item.query ? safeText(item.query) : null,
    url: url ? { href: /^https?:\/\//i.test(url) ? url : null, html: safeText(url) } : null,
    patternHtml: item.pattern ? safeText(item.pattern) : null,
    statusText: item.status,
  };
}

/** An MCP tool call. */
export function mcpView(item: ItemOf<'mcp'>, ctx: RenderContext) {
  return {
    frame: frameView(item),
    nameHtml: safeText(item.server ? `${item.server} · ${item.tool}` : item.tool),
    argsHtml: hasArguments(item.arguments) ? jsonOrTextHtml(item.arguments) : null,
    status: item.isError === true ? { text: 'Error', state: 'failed' } : item.isError === false ? { text: 'OK', state: 'ok' } : null,
    durationText: formatDuration(item.durationMs),
    output: outputView(item.result, { format: 'plain', collapse: ctx.collapse, fullHref: ctx.largeOutputHref?.(item) ?? null, line: item.line }),
  };
}

/** Images of one item. */
export function imagesView(images: ImageRef[], ctx: RenderContext): ImageView[] {
  return images.map((image) => imageView(image, ctx.imageSrc));
}

/** The model looked at an image file. */
export function viewImageView(item: ItemOf<'view_image'>, ctx: RenderContext) {
  return {
    frame: frameView(item, 'Viewed image'),
    pathHtml: item.path ? safeText(item.path) : null,
    images: imagesView(item.images, ctx),
  };
}

const AGENT_TOOLS: Record<string, string> = {
  spawn_agent: 'Started a sub-agent',
  wait_agent: 'Waited for sub-agents',
  wait: 'Waited for sub-agents',
  close_agent: 'Closed a sub-agent',
  send_input: 'Sent input to a sub-agent',
  resume_agent: 'Resumed a sub-agent',
};

/** Codex's agent statuses (rollout-format.md, `collab_*_end`) as a reader says them; others shown as written. */
const AGENT_STATUS: Record<string, string> = {
  pending_init: 'starting',
  running: 'running',
  interrupted: 'interrupted',
  shutdown: 'shut down',
  not_found: 'not found',
  completed: 'completed',
  errored: 'errored',
};

/** A multi-agent tool call, with links to the agents' own sessions. */
export function subAgentView(item: ItemOf<'subagent'>, ctx: RenderContext) {
  return {
    frame: frameView(item, AGENT_TOOLS[item.tool] ?? `Sub-agent: ${item.tool}`),
    toolText: item.tool,
    promptHtml: item.prompt ? renderMarkdown(item.prompt) : null,
    argsHtml: hasArguments(item.arguments) ? jsonOrTextHtml(item.arguments) : null,
    agents: item.agents.map((a) => ({
      nameHtml: safeText(a.nickname ?? (a.threadId ? ctx.agentName?.(a.threadId) : null) ?? a.threadId ?? 'unnamed agent'),
      roleHtml: a.role ? safeText(a.role) : null,
      pathHtml: a.path ? safeText(a.path) : null,
      statusText: a.status === null ? null : (AGENT_STATUS[a.status] ?? a.status),
      href: a.threadId ? (ctx.hrefForSession?.(a.threadId) ?? null) : null,
    })),
    // Each agent's final message as the markdown it is; the JSON it came in stays, folded.
    reports: (item.reports ?? []).map((r) => {
      const agent = item.agents.find((a) => a.threadId !== null && a.threadId === r.threadId);
      const who = agent?.nickname ?? (r.threadId ? ctx.agentName?.(r.threadId) : null) ?? r.threadId ?? 'the agent';
      return { headingText: `${r.status === 'errored' ? 'Error from' : 'Report from'} ${who}`, html: renderMarkdown(r.text) };
    }),
    // What the card already says in words (agents, statuses, reports) stays, folded, as recorded.
    outputFolded: item.resultRead === true || (item.reports?.length ?? 0) > 0,
    output: outputView(item.output, { format: 'plain', collapse: ctx.collapse, fullHref: ctx.largeOutputHref?.(item) ?? null, line: item.line }),
  };
}

/** Any other tool call. */
export function toolCallView(item: ItemOf<'tool_call'>, ctx: RenderContext) {
  return {
    frame: frameView(item, `Tool: ${item.namespace ? `${item.namespace}.` : ''}${item.name}`),
    argsHtml: hasArguments(item.arguments) ? jsonOrTextHtml(item.arguments) : null,
    output: outputView(item.output, { format: 'plain', collapse: ctx.collapse, fullHref: ctx.largeOutputHref?.(item) ?? null, line: item.line }),
    images: imagesView(item.images, ctx),
  };
}

// ---------------------------------------------------------------------------------------------
// Markers

/** Context compaction: a divider with the hand-off summary folded under it. */
export function compactionView(item: ItemOf<'compaction'>) {
  return { frame: frameView(item), summaryHtml: item.summary ? renderMarkdown(item.summary) : null };
}

/** An interrupted turn. */
export function abortedView(item: ItemOf<'aborted'>) {
  return { frame: frameView(item), reasonHtml: safeText(item.reason) };
}

/** An error the session recorded. */
export function errorView(item: ItemOf<'error'>) {
  return { frame: frameView(item), messageHtml: safeText(item.message) };
}

/** A rollback of the last turns. */
export function rollbackView(item: ItemOf<'rollback'>) {
  return { frame: frameView(item), text: item.numTurns === 1 ? 'Rolled back the last turn' : `Rolled back the last ${plural(item.numTurns, 'turn')}` };
}

/** A lifecycle notice (review, goal, undo, …). */
export function noticeView(item: ItemOf<'notice'>) {
  return { frame: frameView(item, `Notice: ${item.label}`), html: item.text ? renderMarkdown(item.text) : null };
}

/** A record the reader did not know, shown raw so nothing is lost. */
export function unknownView(item: ItemOf<'unknown'>) {
  return {
    frame: frameView(item, `Unknown record ${item.recordKind}`),
    rawHtml: safeText(item.raw),
    truncatedText: item.truncated ? 'Cut to keep the page small.' : null,
  };
}
