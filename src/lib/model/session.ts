/**
 * The normalised session model: what every page renders, whatever Codex generation wrote the
 * file. One zod schema per shape; the TypeScript types are inferred from them, never written
 * twice. Nothing here knows a Codex record shape: that knowledge lives in `src/lib/normalise`.
 */
import { z } from 'zod';

/** Where a piece of the session came from: the line in the rollout file (1-based). */
export const SourceLine = z.number().int().nonnegative();

/** Token counts as Codex reports them (all optional: older files lack some). */
export const TokenUsage = z.object({
  input: z.number(),
  cachedInput: z.number(),
  output: z.number(),
  reasoningOutput: z.number(),
  total: z.number(),
});
export type TokenUsage = z.infer<typeof TokenUsage>;

/** An image attached to a message or returned by a tool. Data URLs stay here; pages move them to files. */
export const ImageRef = z.object({
  /** `data:` URL (inline image), `https:` URL (remote: shown as a link, never loaded) or absent. */
  url: z.string().nullable(),
  /** Local path the image came from, when Codex recorded one (caption only; never read). */
  path: z.string().nullable(),
  /** Label such as `[Image #1]`. */
  label: z.string().nullable(),
});
export type ImageRef = z.infer<typeof ImageRef>;

const itemBase = {
  /** Stable id within the session, used for permalinks (`#item-…`). */
  id: z.string(),
  /** 1-based line of the record the item was built from. */
  line: SourceLine,
  /** ISO time the record was written, when the format has one. */
  at: z.string().nullable(),
};

export const UserMessageItem = z.object({
  ...itemBase,
  kind: z.literal('user_message'),
  /** Markdown as the user typed it. */
  text: z.string(),
  images: z.array(ImageRef),
});

export const AssistantMessageItem = z.object({
  ...itemBase,
  kind: z.literal('assistant_message'),
  text: z.string(),
  /** `commentary` (progress note) or `final_answer`; null when the version did not say. */
  phase: z.string().nullable(),
  /** `system` for generation-0 UI notices, else `assistant`. */
  role: z.string(),
  /** Web pages the answer cites (`url_citation` annotations), in order, each once. */
  sources: z.array(z.object({ url: z.string(), title: z.string().nullable() })).optional(),
});

export const ReasoningItem = z.object({
  ...itemBase,
  kind: z.literal('reasoning'),
  /** Summary sections (markdown). Encrypted reasoning is never carried into the model. */
  summary: z.array(z.string()),
  durationMs: z.number().nullable(),
});

/** Codex-injected context: AGENTS.md, environment, developer instructions, skills, notices. */
export const ContextItem = z.object({
  ...itemBase,
  kind: z.literal('context'),
  /** What the context is, e.g. `AGENTS.md`, `environment`, `developer`, `turn aborted notice`. */
  label: z.string(),
  role: z.string(),
  text: z.string(),
});

export const ShellItem = z.object({
  ...itemBase,
  kind: z.literal('shell'),
  callId: z.string().nullable(),
  /** Tool name as recorded (`shell`, `shell_command`, `exec_command`, `local_shell`, …). */
  tool: z.string(),
  /** The command as a reader would type it. */
  command: z.string(),
  workdir: z.string().nullable(),
  exitCode: z.number().nullable(),
  durationMs: z.number().nullable(),
  /** Combined output text (may contain ANSI escapes). */
  output: z.string().nullable(),
  /** `completed`, `failed`, `declined`, `interrupted`, `in_progress`, or null when unknown. */
  status: z.string().nullable(),
  /** Set when the command was typed by the user (`!cmd`), not run by the agent. */
  byUser: z.boolean(),
});

export const PatchFile = z.object({
  path: z.string(),
  /** `add`, `delete`, `update` (a move is an update with `movePath`). */
  op: z.string(),
  movePath: z.string().nullable(),
  /** Unified diff body (for add/delete: every line prefixed `+`/`-`). */
  diff: z.string(),
});

export const PatchItem = z.object({
  ...itemBase,
  kind: z.literal('patch'),
  callId: z.string().nullable(),
  files: z.array(PatchFile),
  /** Raw patch text when Codex kept it (the `*** Begin Patch` form). */
  patch: z.string().nullable(),
  output: z.string().nullable(),
  /** true/false when known from an outcome record, else null. */
  success: z.boolean().nullable(),
});

export const PlanItem = z.object({
  ...itemBase,
  kind: z.literal('plan'),
  explanation: z.string().nullable(),
  steps: z.array(z.object({ step: z.string(), status: z.string() })),
  /** Markdown plan text (plan-mode `Plan` items). */
  text: z.string().nullable(),
});

export const WebSearchItem = z.object({
  ...itemBase,
  kind: z.literal('web_search'),
  /** `search`, `open_page`, `find_in_page`, or another action type. */
  action: z.string(),
  query: z.string().nullable(),
  url: z.string().nullable(),
  pattern: z.string().nullable(),
  status: z.string().nullable(),
});

export const McpItem = z.object({
  ...itemBase,
  kind: z.literal('mcp'),
  callId: z.string().nullable(),
  server: z.string().nullable(),
  tool: z.string(),
  /** Arguments as pretty JSON text. */
  arguments: z.string(),
  /** Result text (content parts joined, or JSON). */
  result: z.string().nullable(),
  isError: z.boolean().nullable(),
  durationMs: z.number().nullable(),
});

export const ViewImageItem = z.object({
  ...itemBase,
  kind: z.literal('view_image'),
  callId: z.string().nullable(),
  path: z.string().nullable(),
  images: z.array(ImageRef),
});

export const SubAgentItem = z.object({
  ...itemBase,
  kind: z.literal('subagent'),
  callId: z.string().nullable(),
  /** `spawn_agent`, `wait_agent`, `close_agent`, `send_input`, … */
  tool: z.string(),
  /** Task or message text sent to the agent, when there is one. */
  prompt: z.string().nullable(),
  arguments: z.string(),
  output: z.string().nullable(),
  /** Agents this call addressed, with what is known of them. */
  agents: z.array(
    z.object({
      threadId: z.string().nullable(),
      nickname: z.string().nullable(),
      role: z.string().nullable(),
      path: z.string().nullable(),
      status: z.string().nullable(),
    }),
  ),
  /**
   * What agents reported, read from the call's JSON result (`wait_agent`'s `status`,
   * `close_agent`'s `previous_status`): the final message of each one that completed or errored.
   */
  reports: z.array(z.object({ threadId: z.string().nullable(), status: z.string(), text: z.string() })).optional(),
  /** Set when the call's JSON result was read into `agents` and `reports` (the page then folds it). */
  resultRead: z.boolean().optional(),
});

/** A message between agents of one multi-agent tree (v2 `agent_message`, mailbox JSON). */
export const AgentMessageItem = z.object({
  ...itemBase,
  kind: z.literal('agent_message'),
  author: z.string().nullable(),
  recipient: z.string().nullable(),
  text: z.string(),
});

/** Any other tool call (dynamic tools, tool_search, request_user_input, unknown tools). */
export const ToolCallItem = z.object({
  ...itemBase,
  kind: z.literal('tool_call'),
  callId: z.string().nullable(),
  name: z.string(),
  namespace: z.string().nullable(),
  /** Arguments or input as text (pretty JSON when it was JSON). */
  arguments: z.string(),
  output: z.string().nullable(),
  images: z.array(ImageRef),
});

export const CompactionItem = z.object({
  ...itemBase,
  kind: z.literal('compaction'),
  /** The summary handed to the next context window, without Codex's fixed hand-off prefix. */
  summary: z.string().nullable(),
});

export const AbortItem = z.object({
  ...itemBase,
  kind: z.literal('aborted'),
  reason: z.string(),
});

export const ErrorItem = z.object({
  ...itemBase,
  kind: z.literal('error'),
  message: z.string(),
});

export const RollbackItem = z.object({
  ...itemBase,
  kind: z.literal('rollback'),
  numTurns: z.number(),
});

/** Review mode, goals, undo and other lifecycle notices worth a line in the transcript. */
export const NoticeItem = z.object({
  ...itemBase,
  kind: z.literal('notice'),
  /** Short label: `review started`, `review finished`, `goal`, `undo`, `image generated`, … */
  label: z.string(),
  text: z.string(),
});

/** A record the reader does not know: kept verbatim (pretty JSON, possibly cut) so nothing is lost. */
export const UnknownItem = z.object({
  ...itemBase,
  kind: z.literal('unknown'),
  /** `type` or `type/payload.type` of the record. */
  recordKind: z.string(),
  raw: z.string(),
  /** True when `raw` was cut to keep pages small. */
  truncated: z.boolean(),
});

export const Item = z.discriminatedUnion('kind', [
  UserMessageItem,
  AssistantMessageItem,
  ReasoningItem,
  ContextItem,
  ShellItem,
  PatchItem,
  PlanItem,
  WebSearchItem,
  McpItem,
  ViewImageItem,
  SubAgentItem,
  AgentMessageItem,
  ToolCallItem,
  CompactionItem,
  AbortItem,
  ErrorItem,
  RollbackItem,
  NoticeItem,
  UnknownItem,
]);
export type Item = z.infer<typeof Item>;
export type ItemKind = Item['kind'];

export const Turn = z.object({
  /** Codex's turn id when recorded, else `t<index>`. */
  id: z.string(),
  /** 1-based position in the session. */
  index: z.number().int().positive(),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  durationMs: z.number().nullable(),
  /** `completed`, `aborted`, `failed`, `incomplete` (no end marker), or `unknown` (format has none). */
  status: z.string(),
  model: z.string().nullable(),
  effort: z.string().nullable(),
  /** Tokens used by this turn, when the format reports it. */
  tokens: TokenUsage.nullable(),
  /** The turn was removed from the model context by a later rollback. */
  rolledBack: z.boolean(),
  /** The turn was copied from the parent thread by a fork: shown collapsed, not new work. */
  inherited: z.boolean(),
  items: z.array(Item),
});
export type Turn = z.infer<typeof Turn>;

export const GitInfo = z.object({
  commit: z.string().nullable(),
  branch: z.string().nullable(),
  repositoryUrl: z.string().nullable(),
});
export type GitInfo = z.infer<typeof GitInfo>;

export const ModelUse = z.object({
  model: z.string(),
  effort: z.string().nullable(),
  /** Index of the first turn that used this model/effort pair. */
  fromTurn: z.number().int().positive(),
});

export const Lineage = z.object({
  /** Thread this one was forked from. */
  forkedFrom: z.string().nullable(),
  /** Parent thread of a sub-agent. */
  parent: z.string().nullable(),
  depth: z.number().nullable(),
  nickname: z.string().nullable(),
  role: z.string().nullable(),
  agentPath: z.string().nullable(),
  /** Number of turns copied from the fork source (rendered collapsed). */
  inheritedTurns: z.number().int().nonnegative(),
});
export type Lineage = z.infer<typeof Lineage>;

/** One problem met while reading a file: never thrown, always reported. */
export const Diagnostic = z.object({
  /** Path of the file, relative to the source root. */
  file: z.string(),
  /** 1-based line, or null for file-level problems. */
  line: z.number().int().positive().nullable(),
  /** Stable code, e.g. `invalid-json`, `truncated-last-line`, `torn-tail`, `unknown-record`. */
  code: z.string(),
  message: z.string(),
  severity: z.enum(['info', 'warning', 'error']),
});
export type Diagnostic = z.infer<typeof Diagnostic>;

/** Format generation: 0 TypeScript JSON, 1 bare JSONL, 2 envelope legacy, 3 paginated. */
export const Generation = z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3)]);

export const Session = z.object({
  id: z.string(),
  /** Path relative to the source root, with `/` separators. */
  file: z.string(),
  generation: Generation,
  /** `legacy`, `paginated`, or the unknown value Codex wrote. */
  historyMode: z.string().nullable(),
  /** False when the history mode is not one we can render: metadata only, plus `notice`. */
  supported: z.boolean(),
  notice: z.string().nullable(),
  archived: z.boolean(),
  /** What a reader sees as the heading. */
  title: z.string(),
  /** User-given thread name (session_index.jsonl or saved names). */
  threadName: z.string().nullable(),
  /** First real user prompt, whitespace collapsed, cut to ~100 characters. */
  preview: z.string().nullable(),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  durationMs: z.number().nullable(),
  cwd: z.string().nullable(),
  git: GitInfo.nullable(),
  originator: z.string().nullable(),
  cliVersion: z.string().nullable(),
  /** `cli`, `vscode`, `exec`, `mcp`, `subagent`, `internal`, `custom:<name>`, … */
  source: z.string().nullable(),
  threadSource: z.string().nullable(),
  modelProvider: z.string().nullable(),
  models: z.array(ModelUse),
  lineage: Lineage,
  tokens: TokenUsage.nullable(),
  contextWindow: z.number().nullable(),
  /** Ends without a completion marker, or lost its last line: may have been killed or still running. */
  incomplete: z.boolean(),
  turns: z.array(Turn),
  diagnostics: z.array(Diagnostic),
});
export type Session = z.infer<typeof Session>;

/**
 * The small per-session record kept in Astro's content store: what index pages, search filters
 * and related-session links need, no transcript. A session's page reads the rest (token use,
 * git, timing, model efforts) from its own file. Astro serialises the whole store on every build
 * that changes anything and compiles it into the build: at 20,000 sessions, 20.7 MB with every
 * field of the header here, which took ~2 s to save alone; 9.4 MB with only what index pages use.
 */
export const SessionSummary = Session.pick({
  id: true,
  file: true,
  archived: true,
  title: true,
  threadName: true,
  startedAt: true,
  cwd: true,
  source: true,
  incomplete: true,
}).extend({
  /** The models used, each once, in the order first used. */
  modelNames: z.array(z.string()),
  /** Null for a session that is neither a fork nor a sub-agent (most are). */
  lineage: Lineage.nullable(),
  /** Repository (host/owner/name) when known, else the cwd; what project pages group by. */
  project: z.string().nullable(),
  turnCount: z.number().int(),
  failedCommands: z.number().int(),
});
export type SessionSummary = z.infer<typeof SessionSummary>;
