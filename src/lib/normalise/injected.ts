/**
 * Codex injects context into the conversation as user-role messages (format doc §8.3). They are
 * not prompts: titles must skip them and pages show them out of the way. This module says, for a
 * message's text parts, whether it is injected and what to call it.
 */

interface Marker {
  /** Label a reader sees on the collapsed block. */
  label: string;
  /** Case-insensitive test on the text with leading whitespace removed. */
  test: (text: string) => boolean;
}

const startsWith = (prefix: string) => (text: string) =>
  text.slice(0, prefix.length).toLowerCase() === prefix.toLowerCase();

/** "starts with <tag …> and ends with </tag>" — Codex's own rule for paired markers. */
const wrapped = (open: string, close: string) => (text: string) =>
  startsWith(open)(text) && text.trimEnd().toLowerCase().endsWith(close.toLowerCase());

const MARKERS: Marker[] = [
  { label: 'AGENTS.md', test: wrapped('<user_instructions>', '</user_instructions>') },
  { label: 'AGENTS.md', test: wrapped('# AGENTS.md instructions', '</INSTRUCTIONS>') },
  { label: 'environment', test: wrapped('<environment_context>', '</environment_context>') },
  { label: 'skill', test: wrapped('<skill>', '</skill>') },
  { label: 'turn aborted notice', test: wrapped('<turn_aborted>', '</turn_aborted>') },
  { label: 'hook prompt', test: startsWith('<hook_prompt') },
  { label: 'client context', test: (t) => /^<external_([A-Za-z0-9_.-]+)>[\s\S]*<\/external_\1>\s*$/i.test(t) },
  { label: 'internal context', test: startsWith('<codex_internal_context') },
  { label: 'goal context', test: wrapped('<goal_context>', '</goal_context>') },
  { label: 'plugin recommendations', test: wrapped('<recommended_plugins>', '</recommended_plugins>') },
  {
    label: 'warning',
    test: (t) =>
      startsWith('Warning: apply_patch was requested via ')(t) ||
      startsWith('Warning: The maximum number of unified exec processes you can keep open is')(t) ||
      startsWith('Warning: Your account was flagged for potentially high-risk cyber activity')(t),
  },
  {
    label: 'compaction hand-off',
    test: startsWith('Another language model started to solve this problem and produced a summary'),
  },
];

/** The label of an injected-context text part, or null when the part is ordinary user prose. */
export function injectedLabel(text: string): string | null {
  const t = text.trimStart();
  for (const marker of MARKERS) if (marker.test(t)) return marker.label;
  return null;
}

/** A `!command` the user ran; it is user activity, shown as a shell step, not as a prompt. */
export function isUserShellCommand(text: string): boolean {
  return wrapped('<user_shell_command>', '</user_shell_command>')(text.trimStart());
}

/** Status message from a v1 sub-agent, injected into the parent's context. */
export function isSubagentNotification(text: string): boolean {
  return wrapped('<subagent_notification>', '</subagent_notification>')(text.trimStart());
}

/**
 * A v1 sub-agent notification in words: `<subagent_notification>{"agent_path": id, "status":
 * {"completed": text}}</subagent_notification>` (corpus 0.169.0) reads "Sub-agent <id>
 * completed: <text>". Anything else is shown as it was written.
 */
export function subagentNotificationText(text: string): string {
  const raw = text.trim();
  const inner = raw.slice('<subagent_notification>'.length, raw.length - '</subagent_notification>'.length).trim();
  let value: unknown;
  try {
    value = JSON.parse(inner);
  } catch {
    return raw;
  }
  if (typeof value !== 'object' || value === null) return raw;
  const { agent_path: who, status } = value as { agent_path?: unknown; status?: unknown };
  const agent = typeof who === 'string' && who ? `Sub-agent ${who}` : 'A sub-agent';
  if (typeof status === 'string') return `${agent}: ${status}`;
  if (typeof status !== 'object' || status === null) return raw;
  const [state, detail] = Object.entries(status)[0] ?? [];
  if (!state) return raw;
  return typeof detail === 'string' && detail ? `${agent} ${state}: ${detail}` : `${agent} ${state}`;
}

/** Image/audio attachment labels (`<image name=[Image #1] path="…">`, `</image>`): not prose. */
export function isMediaLabel(text: string): boolean {
  const t = text.trim();
  return /^<(image|audio)(\s[^>]*)?>$/i.test(t) || /^<\/(image|audio)>$/i.test(t);
}

/** Parse `<image name=[Image #1] path="/abs/file.png">` into its label and path. */
export function parseMediaLabel(text: string): { label: string | null; path: string | null } {
  const name = /name=(\[[^\]]*\]|"[^"]*"|\S+)/.exec(text)?.[1] ?? null;
  const path = /path="([^"]*)"/.exec(text)?.[1] ?? null;
  return { label: name ? name.replace(/^"|"$/g, '') : null, path };
}

/**
 * A developer message's label: its first tag (`<permissions instructions>` → `permissions
 * instructions`), so a reader can tell the blocks apart when expanding the context view.
 */
export function developerLabel(text: string): string {
  const tag = /^\s*<([A-Za-z][\w .-]{0,60})>/.exec(text)?.[1];
  return tag ? tag.replace(/_/g, ' ') : 'developer instructions';
}

/** IDE integrations send editor context first, then this marker, then the real request. */
export const IDE_REQUEST_MARKER = '## My request for Codex:';

/** Split IDE context from the user's request (format doc §8.2). */
export function splitIdeContext(text: string): { context: string | null; request: string } {
  const at = text.indexOf(IDE_REQUEST_MARKER);
  if (at < 0) return { context: null, request: text };
  return {
    context: text.slice(0, at).trim() || null,
    request: text.slice(at + IDE_REQUEST_MARKER.length).trim(),
  };
}

/** Mailbox messages between agents written as a JSON text part (mid-2026, before `agent_message`). */
export function parseMailboxMessage(
  text: string,
): { author: string | null; recipient: string | null; content: string } | null {
  const t = text.trim();
  if (!t.startsWith('{') || !t.includes('"recipient"')) return null;
  try {
    const value: unknown = JSON.parse(t);
    if (value && typeof value === 'object' && 'author' in value && 'recipient' in value && 'content' in value) {
      const v = value as Record<string, unknown>;
      const content = typeof v.content === 'string' ? v.content : JSON.stringify(v.content, null, 2);
      return {
        author: typeof v.author === 'string' ? v.author : null,
        recipient: typeof v.recipient === 'string' ? v.recipient : null,
        content,
      };
    }
  } catch {
    // Not JSON after all: ordinary prose that happens to start with a brace.
  }
  return null;
}
