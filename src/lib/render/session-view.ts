/**
 * What the session header and the transcript show, computed from a `Session`: labels, times,
 * lineage links, turn groups. Components read these views and render nothing they compute.
 */
import type { Item, Session, Turn } from '../model/session.ts';
import { safeText } from './escape.ts';
import { titleHtml } from './title.ts';
import { formatDateTime, formatDuration, formatTokens, machineTime, plural, shortCommit } from './format.ts';

/** Decides the URL of another session's page, or null when the archive does not have it. */
export type HrefForSession = (id: string) => string | null;
/** The title of another session of the archive, or null. */
export type TitleForSession = (id: string) => string | null;

/** One fact in the header's definition list. */
export interface Fact {
  term: string;
  /** Escaped value. */
  html: string;
  /** Link for the value, when there is one. */
  href?: string | null;
  /** Machine time for a `<time datetime>` wrapper. */
  datetime?: string | null;
  /** The link leaves the archive (gets `rel="noopener noreferrer nofollow ugc"`). */
  external?: boolean;
  /** Render the value as `<code>`. */
  code?: boolean;
}

/** Link to a repository page only when it is a plain https URL (never `git@`, `file:`, …). */
function repositoryHref(url: string): string | null {
  const https = /^https:\/\/[^\s/]+\/\S+$/i.exec(url.trim());
  if (https) return url.trim().replace(/\.git$/, '');
  // git@github.com:owner/name.git → https://github.com/owner/name
  const scp = /^git@([\w.-]+):([\w.-]+\/[\w.-]+?)(?:\.git)?$/.exec(url.trim());
  return scp ? `https://${scp[1]}/${scp[2]}` : null;
}

const SOURCE_LABELS: Record<string, string> = {
  cli: 'Codex CLI',
  vscode: 'IDE extension',
  exec: 'codex exec',
  mcp: 'MCP server',
  subagent: 'Sub-agent',
  internal: 'Internal',
  unknown: 'Unknown',
};

/** How the site names a session's source (`subagent:review` is a Sub-agent, `custom:atlas` atlas). */
export function sourceName(source: string): string {
  const [kind = '', detail] = source.split(':', 2);
  if (SOURCE_LABELS[source]) return SOURCE_LABELS[source];
  if (kind === 'custom' && detail) return detail;
  return SOURCE_LABELS[kind] ?? source;
}

/** The session header. */
export function headerView(
  session: Session,
  options: { hrefForSession?: HrefForSession; titleForSession?: TitleForSession; project?: string | null } = {},
) {
  const href = options.hrefForSession ?? (() => null);
  // The session this one came from, by its title when the archive has it, else by its id.
  const from = (term: string, id: string): Fact => {
    const title = options.titleForSession?.(id) ?? null;
    return title ? { term, html: titleHtml(title), href: href(id) } : { term, html: safeText(id), href: href(id), code: true };
  };
  const facts: Fact[] = [];
  const started = machineTime(session.startedAt);
  if (session.startedAt) {
    facts.push({ term: 'Started', html: safeText(formatDateTime(session.startedAt)), datetime: started });
  }
  const duration = formatDuration(session.durationMs);
  // A session cut off mid-turn ran until it was killed, not until its last record.
  if (duration) facts.push({ term: 'Duration', html: safeText(session.incomplete ? `at least ${duration} (until its last record)` : duration) });
  if (options.project) facts.push({ term: 'Project', html: safeText(options.project) });
  if (session.cwd) facts.push({ term: 'Directory', html: safeText(session.cwd), code: true });
  if (session.git?.repositoryUrl) {
    facts.push({ term: 'Repository', html: safeText(session.git.repositoryUrl), href: repositoryHref(session.git.repositoryUrl), external: true });
  }
  if (session.git?.branch) facts.push({ term: 'Branch', html: safeText(session.git.branch), code: true });
  if (session.git?.commit) facts.push({ term: 'Commit', html: safeText(shortCommit(session.git.commit)), code: true });
  if (session.models.length > 0) {
    const models = session.models
      .map((m) => `${m.model}${m.effort ? ` (${m.effort})` : ''}${session.models.length > 1 ? ` from turn ${m.fromTurn}` : ''}`)
      .join(', ');
    facts.push({ term: session.models.length > 1 ? 'Models' : 'Model', html: safeText(models) });
  }
  const tokens = formatTokens(session.tokens);
  if (tokens) facts.push({ term: 'Tokens', html: safeText(tokens) });
  if (session.cliVersion) facts.push({ term: 'Codex version', html: safeText(session.cliVersion) });
  if (session.source) facts.push({ term: 'Source', html: safeText(sourceName(session.source)) });
  facts.push({ term: 'File', html: safeText(session.file), code: true });

  const lineage: Fact[] = [];
  const { lineage: l } = session;
  if (l.forkedFrom) lineage.push(from('Forked from', l.forkedFrom));
  if (l.parent) lineage.push(from('Parent session', l.parent));
  if (l.nickname) lineage.push({ term: 'Agent', html: safeText(l.nickname) });
  if (l.role) lineage.push({ term: 'Role', html: safeText(l.role) });
  if (l.agentPath) lineage.push({ term: 'Agent path', html: safeText(l.agentPath), code: true });
  if (l.depth !== null && l.depth > 0) lineage.push({ term: 'Depth', html: safeText(String(l.depth)) });

  const badges: Array<{ text: string; cls: string }> = [];
  if (session.archived) badges.push({ text: 'Archived', cls: 'badge-archived' });
  if (session.incomplete) badges.push({ text: 'Possibly incomplete', cls: 'badge-incomplete' });
  if (!session.supported) badges.push({ text: 'Format not supported', cls: 'badge-unsupported' });

  return {
    titleHtml: titleHtml(session.title),
    threadNameHtml: session.threadName && session.threadName !== session.title ? safeText(session.threadName) : null,
    badges,
    facts,
    lineage,
    // Files before the {timestamp,type,payload} envelope come from CLIs with no `codex resume`.
    resumeCommand: session.generation >= 2 ? `codex resume ${session.id}` : null,
    noticeHtml: session.notice ? safeText(session.notice) : null,
    diagnosticsText: session.diagnostics.length > 0 ? `${plural(session.diagnostics.length, 'problem')} while reading this file` : null,
  };
}

const TURN_STATUS: Record<string, { text: string; state: string }> = {
  completed: { text: 'Completed', state: 'ok' },
  aborted: { text: 'Interrupted', state: 'failed' },
  failed: { text: 'Failed', state: 'failed' },
  incomplete: { text: 'No end recorded', state: 'unknown' },
};

/** One turn's heading data. */
export function turnView(turn: Turn) {
  const status = TURN_STATUS[turn.status] ?? (turn.status === 'unknown' ? null : { text: turn.status, state: 'unknown' });
  const meta: string[] = [];
  if (turn.model) meta.push(`${turn.model}${turn.effort ? ` (${turn.effort})` : ''}`);
  const duration = formatDuration(turn.durationMs);
  if (duration) meta.push(duration);
  const tokens = turn.tokens ? plural(turn.tokens.total, 'token') : null;
  if (tokens) meta.push(tokens);
  return {
    anchor: `turn-${turn.index}`,
    heading: `Turn ${turn.index}`,
    datetime: machineTime(turn.startedAt),
    startedText: turn.startedAt ? formatDateTime(turn.startedAt) : null,
    metaHtml: meta.map(safeText),
    status,
    rolledBack: turn.rolledBack,
    inherited: turn.inherited,
  };
}

/** "Noether, reviewer, /root/review" — what tells sub-agents apart in a lineage list. */
export function relatedLabel(item: { nickname: string | null; role: string | null; agentPath: string | null }): string {
  return [item.nickname, item.role, item.agentPath].filter((x): x is string => !!x).join(', ');
}

/** A turn's items as shown: runs of injected context fold into one block, everything else stands alone. */
export type ItemSegment = { kind: 'item'; item: Item } | { kind: 'context'; items: Item[]; summary: string };

/**
 * Codex injects several context blocks (permissions, AGENTS.md, environment, …) at the start of
 * most turns. One at a time they push the conversation down the page; a run of them folds into a
 * single "Context" block that names what is inside.
 */
export function itemSegments(items: readonly Item[]): ItemSegment[] {
  const segments: ItemSegment[] = [];
  for (const item of items) {
    const last = segments[segments.length - 1];
    if (item.kind === 'context' && last?.kind === 'context') last.items.push(item);
    else if (item.kind === 'context') segments.push({ kind: 'context', items: [item], summary: '' });
    else segments.push({ kind: 'item', item });
  }
  for (const segment of segments) {
    if (segment.kind !== 'context') continue;
    const labels = [...new Set(segment.items.map((i) => (i.kind === 'context' ? i.label : '')))];
    segment.summary = `${labels.join(', ')}`;
  }
  return segments;
}

/** Turns in display order, consecutive inherited (fork-copied) turns grouped to fold together. */
export type TurnGroup = { inherited: false; turns: Turn[] } | { inherited: true; turns: Turn[]; summaryHtml: string; href: string | null };

/** "“Title”" of the session turns were copied from, or its id. */
function inheritedFrom(id: string, titleForSession?: TitleForSession): string {
  const title = titleForSession?.(id) ?? null;
  return title ? `“${titleHtml(title)}”` : safeText(id);
}

/** Groups turns so inherited runs can be folded under "Inherited from …". */
export function turnGroups(session: Session, hrefForSession?: HrefForSession, titleForSession?: TitleForSession): TurnGroup[] {
  const groups: TurnGroup[] = [];
  for (const turn of session.turns) {
    const last = groups[groups.length - 1];
    if (last && last.inherited === turn.inherited) {
      last.turns.push(turn);
    } else if (turn.inherited) {
      const from = session.lineage.forkedFrom ?? session.lineage.parent;
      groups.push({
        inherited: true,
        turns: [turn],
        summaryHtml: from ? `Inherited from ${inheritedFrom(from, titleForSession)}` : 'Inherited from the parent session',
        href: from ? (hrefForSession?.(from) ?? null) : null,
      });
    } else {
      groups.push({ inherited: false, turns: [turn] });
    }
  }
  for (const group of groups) {
    if (group.inherited) group.summaryHtml += safeText(` (${plural(group.turns.length, 'turn')})`);
  }
  return groups;
}
