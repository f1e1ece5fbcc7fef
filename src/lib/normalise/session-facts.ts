/**
 * Session-level facts derived from the header and the built turns: title, git, source label,
 * lineage, models over time, token arithmetic, review text. Pure functions of their inputs.
 */
import type { Session, TokenUsage, Turn } from '../model/session.ts';
import { arr, isObj, num, obj, str, type Obj } from './values.ts';

/**
 * `patch_apply_end` and `FileChange` record absolute paths while the patch text uses paths
 * relative to the working directory; show both the way the patch was written.
 */
export function relativisePatchPaths(turns: Turn[], cwd: string | null): void {
  if (!cwd) return;
  const prefix = cwd.endsWith('/') || cwd.endsWith('\\') ? cwd : `${cwd}${cwd.includes('\\') && !cwd.includes('/') ? '\\' : '/'}`;
  const rel = (p: string) => (p.startsWith(prefix) ? p.slice(prefix.length) : p);
  for (const turn of turns) {
    for (const item of turn.items) {
      if (item.kind !== 'patch') continue;
      for (const file of item.files) {
        file.path = rel(file.path);
        if (file.movePath) file.movePath = rel(file.movePath);
      }
    }
  }
}

export function usage(value: unknown): TokenUsage | null {
  if (!isObj(value)) return null;
  const input = num(value.input_tokens);
  const output = num(value.output_tokens);
  if (input === null && output === null) return null;
  const cachedInput = num(value.cached_input_tokens) ?? 0;
  const reasoningOutput = num(value.reasoning_output_tokens) ?? 0;
  return {
    input: input ?? 0,
    cachedInput,
    output: output ?? 0,
    reasoningOutput,
    total: num(value.total_tokens) ?? (input ?? 0) + (output ?? 0),
  };
}

/** `a` plus `b` (what earlier Codex processes counted, see the builder's observeTotal). */
export function add(a: TokenUsage, b: TokenUsage | null): TokenUsage {
  if (!b) return a;
  return {
    input: a.input + b.input,
    cachedInput: a.cachedInput + b.cachedInput,
    output: a.output + b.output,
    reasoningOutput: a.reasoningOutput + b.reasoningOutput,
    total: a.total + b.total,
  };
}

export function subtract(a: TokenUsage, b: TokenUsage | null): TokenUsage {
  if (!b) return a;
  const d = (x: number, y: number) => Math.max(0, x - y);
  return {
    input: d(a.input, b.input),
    cachedInput: d(a.cachedInput, b.cachedInput),
    output: d(a.output, b.output),
    reasoningOutput: d(a.reasoningOutput, b.reasoningOutput),
    total: d(a.total, b.total),
  };
}

export function gitOf(value: unknown): Session['git'] {
  if (!isObj(value)) return null;
  const git = { commit: str(value.commit_hash), branch: str(value.branch), repositoryUrl: str(value.repository_url) };
  return git.commit || git.branch || git.repositoryUrl ? git : null;
}

/**
 * Clients that name themselves in `originator` while their files still say `source: "vscode"`,
 * Codex's default (the 0.169.0 TUI in the corpus does) or say nothing (files before v0.44).
 */
const ORIGINATOR_SOURCE: Record<string, string> = { 'codex-tui': 'cli', codex_cli_rs: 'cli', codex_exec: 'exec', codex_mcp_server: 'mcp' };

/** Where a session started: its `source`, unless that is the default and the originator knows better. */
export function sourceOf(source: unknown, originator: unknown): string | null {
  const label = sourceLabel(source);
  const named = typeof originator === 'string' ? ORIGINATOR_SOURCE[originator] : undefined;
  return named && (label === null || label === 'vscode') ? named : label;
}

/** `source` is a string or a single-key object (format doc §3.1); absent means `vscode`. */
function sourceLabel(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value;
  if (isObj(value)) {
    const key = Object.keys(value)[0];
    if (!key) return null;
    const inner = value[key];
    if (typeof inner === 'string') return `${key}:${inner}`;
    if (isObj(inner)) return `${key}:${Object.keys(inner)[0] ?? 'other'}`;
    return key;
  }
  return null;
}

export function lineageOf(meta: Obj, turns: Turn[]): Session['lineage'] {
  const spawn = obj(obj(obj(meta.source).subagent).thread_spawn);
  const parent = str(meta.parent_thread_id) ?? str(spawn.parent_thread_id);
  const forkedFrom = str(meta.forked_from_id);
  return {
    // Before 2026-05-31 `forked_from_id` also named a sub-agent's parent (format doc §3.1).
    forkedFrom: forkedFrom && forkedFrom !== parent ? forkedFrom : null,
    parent,
    depth: num(spawn.depth),
    nickname: str(meta.agent_nickname) ?? str(spawn.agent_nickname),
    role: str(meta.agent_role) ?? str(meta.agent_type) ?? str(spawn.agent_role) ?? str(spawn.agent_type),
    agentPath: str(meta.agent_path) ?? str(spawn.agent_path),
    inheritedTurns: turns.filter((t) => t.inherited).length,
  };
}

export function modelsOf(turns: Turn[]): Session['models'] {
  const out: Session['models'] = [];
  for (const t of turns) {
    if (!t.model) continue;
    const prev = out.at(-1);
    if (prev && prev.model === t.model && prev.effort === t.effort) continue;
    out.push({ model: t.model, effort: t.effort, fromTurn: t.index });
  }
  return out;
}

/** Title fallback: the first real prompt of the session's own turns (format doc §8.2). */
export function previewOf(turns: Turn[]): string | null {
  for (const turn of turns) {
    if (turn.inherited) continue;
    for (const item of turn.items) {
      if (item.kind !== 'user_message') continue;
      const collapsed = item.text.replace(/\s+/g, ' ').trim();
      if (collapsed) return cut(collapsed);
      if (item.images.length) return '[Image]';
    }
  }
  // A v2 sub-agent gets its task as a message from its parent, not as a user prompt.
  for (const turn of turns) {
    if (turn.inherited) continue;
    const task = turn.items.find((i) => i.kind === 'agent_message');
    if (task?.kind === 'agent_message') {
      const collapsed = taskOf(task.text).replace(/\s+/g, ' ').trim();
      if (collapsed) return cut(collapsed);
    }
  }
  return null;
}

/**
 * What a sub-agent's task message says, without its envelope. Codex 0.169 writes agent messages
 * as `Message Type: NEW_TASK\nTask name: <agent path>\nSender: <agent path>\nPayload:\n<text>`
 * (not in the format doc; seen in corpus/codex-0.169.0), and the payload of a task is often
 * encrypted: the title is then the task's name, not the envelope's field names.
 */
export function taskOf(text: string): string {
  const envelope = /^Message Type: [^\n]*\nTask name: ([^\n]*)\n(?:[^\n]*\n)*?Payload:[ \t]*\n?([\s\S]*)$/.exec(text);
  if (!envelope) return text;
  const payload = envelope[2]!.trim();
  if (payload && payload !== ENCRYPTED_MESSAGE) return payload;
  const name = envelope[1]!.trim();
  return name ? `Sub-agent task ${name}` : text;
}

/** How the reader shows an agent message's encrypted content (builder.ts). */
export const ENCRYPTED_MESSAGE = '[encrypted message]';

/**
 * A title is plain text: markdown emphasis, heading marks and link syntax from the prompt would
 * show as literal `**` and `[..](..)` in headings, lists and search results.
 */
export function plainTitle(text: string): string {
  return text
    .replace(/^#{1,6}\s+/, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/(\*\*|__)(?=\S)(.+?)(?<=\S)\1/g, '$2')
    .trim();
}

export function cut(text: string): string {
  const plain = plainTitle(text);
  return plain.length > 100 ? `${plain.slice(0, 99).trimEnd()}…` : plain;
}

export function firstTurnContextCwd(turns: Turn[]): string | null {
  for (const t of turns) {
    for (const i of t.items) {
      if (i.kind === 'context' && i.label === 'environment') {
        const m = /<cwd>([^<]+)<\/cwd>/.exec(i.text);
        if (m) return m[1]!.trim();
      }
    }
  }
  return null;
}

export function reviewTarget(p: Obj): string {
  const target = obj(p.target);
  return (
    str(p.user_facing_hint) ??
    str(p.prompt) ??
    str(target.instructions) ??
    [str(target.type), str(target.branch), str(target.sha), str(target.title)].filter(Boolean).join(' ')
  );
}

export function reviewOutput(value: unknown): string {
  const out = obj(value);
  const findings = arr(out.findings)
    .filter(isObj)
    .map((f) => `- ${str(f.title) ?? 'finding'}${str(f.body) ? `: ${str(f.body)}` : ''}`);
  return [str(out.overall_explanation), ...findings].filter(Boolean).join('\n') || 'No findings.';
}

/** The web pages an answer's parts cite (`annotations` of type `url_citation`), each URL once. */
export function citedSources(parts: readonly Obj[]): { url: string; title: string | null }[] {
  const seen = new Map<string, string | null>();
  for (const part of parts) {
    for (const a of arr(part.annotations)) {
      if (!isObj(a) || a.type !== 'url_citation') continue;
      const url = str(a.url);
      if (url && !seen.has(url)) seen.set(url, str(a.title));
    }
  }
  return [...seen].map(([url, title]) => ({ url, title }));
}
