/**
 * Builds one normalised Session from the records of a rollout, in file order.
 *
 * Design (format doc §9.2): response items are the backbone of the transcript in every
 * generation; events and paginated turn items only enrich them, keyed by `call_id` / item id,
 * so mirrored `event_msg`/`response_item` pairs appear once. Turns open at `task_started`
 * (or, in files without it, at each real user message) and close at `task_complete` /
 * `turn_aborted`.
 */
import type { Diagnostic, ImageRef, Item, Session, TokenUsage, Turn } from '../model/session.ts';
import { agentsInResult, collabAgents, mergeAgents, settleAgentCalls } from './agents.ts';
import { filesFromChangeMap } from './apply-patch.ts';
import {
  developerLabel,
  injectedLabel,
  isMediaLabel,
  isSubagentNotification,
  subagentNotificationText,
  isUserShellCommand,
  parseMailboxMessage,
  parseMediaLabel,
  splitIdeContext,
} from './injected.ts';
import { recordKind, type LineRecord } from './records.ts';
import {
  add,
  citedSources,
  ENCRYPTED_MESSAGE,
  firstTurnContextCwd,
  gitOf,
  lineageOf,
  modelsOf,
  previewOf,
  relativisePatchPaths,
  reviewOutput,
  reviewTarget,
  sourceOf,
  subtract,
  usage,
} from './session-facts.ts';
import { commandText, mcpName, patchItem } from './tool-calls.ts';
import { flattenToolOutput, isDeclinedOutput, isInterruptedOutput, mcpResultText, parseShellOutput } from './tool-output.ts';
import {
  arr,
  bool,
  displayArguments,
  fileUrlToPath,
  isObj,
  isoTime,
  num,
  obj,
  parseJsonText,
  prettyJson,
  rustDurationMs,
  str,
  text,
  unixToIso,
  type Obj,
} from './values.ts';

/** Where the records come from: the file's identity as discovery saw it. */
export interface BuilderInput {
  /** Path relative to the source root. */
  file: string;
  /** Thread id from the file name, used when the file has no usable header. */
  idFromName: string | null;
  archived: boolean;
  /** File modification time: the only end time generations 0 and 1 have. */
  mtimeMs: number | null;
}

/** Counts of what the file held, for the build report. */
export interface RecordCounts {
  /** Physical lines read (1 for a generation-0 document). */
  lines: number;
  blank: number;
  /** Lines that parsed as JSON records. */
  records: number;
  /** Lines that could not be used (invalid JSON, oversized, torn). */
  damaged: number;
  byKind: Record<string, number>;
  /** Record kinds we do not know, kept raw on the page. */
  unknownKinds: Record<string, number>;
}

export function emptyCounts(): RecordCounts {
  return { lines: 0, blank: 0, records: 0, damaged: 0, byKind: {}, unknownKinds: {} };
}

const RAW_LIMIT = 64 * 1024;
/** Records that do not extend a turn without an end marker (`addItem`). */
const BETWEEN_TURNS: ReadonlySet<Item['kind']> = new Set(['compaction', 'notice', 'context']);

/**
 * The command the user stopped when they interrupted a turn: the turn's last work, when it is a
 * command that began and did not finish. Codex 0.169 records it as failed with exit code -1, no
 * exit code a command returns, and its output as a bare "aborted by user" (the corpus's
 * interrupt-sigint session). A command followed by more work ended before the interrupt.
 */
function markInterrupted(turn: Turn): void {
  const last = turn.items.findLast((i) => i.kind !== 'aborted' && !BETWEEN_TURNS.has(i.kind));
  if (last?.kind === 'shell' && (last.exitCode === -1 || (last.exitCode === null && last.status === 'in_progress'))) last.status = 'interrupted';
}

/**
 * Codex 0.169 records the model's answer to its summarising prompt as an assistant message, and
 * then the same text as the compaction's summary: the page showed the hand-off as a Codex reply
 * and again in the compaction card. The message is left to the card when it comes right before
 * it (context and notices aside) and says exactly what the summary says.
 */
function foldCompactionAnswers(turn: Turn): void {
  for (let i = turn.items.length - 1; i >= 0; i--) {
    const compaction = turn.items[i]!;
    if (compaction.kind !== 'compaction' || !compaction.summary) continue;
    let j = i - 1;
    while (j >= 0 && BETWEEN_TURNS.has(turn.items[j]!.kind)) j--;
    const answer = turn.items[j];
    if (answer?.kind === 'assistant_message' && answer.text.trim() === compaction.summary.trim()) turn.items.splice(j, 1);
  }
}

/** What a finished turn ends on, in files that do not mark the end (cutOffWithoutMarkers). */
const FINISHED_ON: ReadonlySet<Item['kind']> = new Set(['assistant_message', 'aborted', 'error', 'compaction', 'rollback']);
const COMPACTION_PREFIX = /^Another language model started to solve this problem and produced a summary[^\n]*\n?/;

const SUBAGENT_TOOLS = new Set([
  'spawn_agent',
  'send_input',
  'send_message',
  'followup_task',
  'wait',
  'wait_agent',
  'close_agent',
  'resume_agent',
  'list_agents',
  'interrupt_agent',
]);


interface TurnDraft {
  turn: Turn;
  /** Opened by `task_started` (so user messages join it) rather than implied by a prompt. */
  explicit: boolean;
  closed: boolean;
  /** Cumulative thread token total last seen in this turn. */
  lastTotal: TokenUsage | null;
  lastAt: string | null;
}

type Enrich = (item: Item) => void;

export class SessionBuilder {
  private readonly input: BuilderInput;
  private readonly diagnostics: Diagnostic[] = [];
  readonly counts: RecordCounts = emptyCounts();

  private meta: Obj | null = null;
  private historyMode: string | null = null;
  private turns: TurnDraft[] = [];
  private current: TurnDraft | null = null;
  /** Context items seen before the first turn opens (legacy files put AGENTS.md first). */
  private pending: Item[] = [];
  private readonly calls = new Map<string, Item>();
  private readonly waiting = new Map<string, Enrich[]>();
  private readonly idsUsed = new Set<string>();
  private lastTotal: TokenUsage | null = null;
  private inheritedTotal: TokenUsage | null = null;
  /** What earlier processes counted, added to each total reported after a restart (see observeTotal). */
  private carriedTotal: TokenUsage = { input: 0, cachedInput: 0, output: 0, reasoningOutput: 0, total: 0 };
  private contextWindow: number | null = null;
  private firstAt: string | null = null;
  private lastOwnAt: string | null = null;
  private pendingModel: { model: string | null; effort: string | null } | null = null;
  private threadNameFromEvents: string | null = null;
  private lastCompactionLine = -10;
  /** Prompts shown from a `user_message` event because no response item mirrored them first. */
  private readonly promptsFromEvents = new Set<Item>();
  /** Assistant text from `agent_message` events, waiting for the response item that mirrors it. */
  private answerCandidates: { draft: TurnDraft; index: number; item: Item }[] = [];
  private cutLastLine = false;

  /** While true, records belong to history copied from another thread (a fork). */
  private inherited = false;
  private inheritedBurstStart: number | null = null;
  /** Prefix for item ids of records read from another file, so permalinks never collide. */
  private idPrefix = '';
  /** In paginated sub-agent files, ordinals below this are inherited parent context. */
  private subagentStartOrdinal: number | null = null;
  /** Whether any multi-agent call was read (finish settles them together). */
  private agentCalls = false;

  constructor(input: BuilderInput) {
    this.input = input;
  }

  // ---------------------------------------------------------------- inputs

  /** Report a problem with a line or the whole file. */
  report(line: number | null, code: string, message: string, severity: Diagnostic['severity'] = 'warning'): void {
    this.diagnostics.push({ file: this.input.file, line, code, message, severity });
  }

  /** The last line was cut off mid-write (killed session or live file). */
  markCutLastLine(): void {
    this.cutLastLine = true;
  }

  /** Records from another file (fork base) follow: mark them inherited and keep their ids apart. */
  beginInherited(prefix: string): void {
    this.inherited = true;
    this.idPrefix = prefix;
  }

  endInherited(): void {
    this.inherited = false;
    this.idPrefix = '';
    this.inheritedTotal = this.lastTotal;
    // A fork's own first turn never continues a copied turn.
    if (this.current) this.current.closed = true;
  }

  /** The first session header, if one was seen (used to resolve fork bases before the rest). */
  header(): Obj | null {
    return this.meta;
  }

  setHistoryMode(mode: string | null): void {
    this.historyMode = mode;
  }

  /**
   * Feed one classified record. Records of another file (a fork's base) are not counted:
   * the counts account for this file's own lines, each exactly once.
   */
  add(record: LineRecord, options: { counted?: boolean } = {}): void {
    const counted = options.counted ?? true;
    const kind = recordKind(record);
    if (counted) {
      this.counts.records++;
      this.counts.byKind[kind] = (this.counts.byKind[kind] ?? 0) + 1;
    }
    const known = this.dispatch(record);
    if (!known) {
      if (counted) this.counts.unknownKinds[kind] = (this.counts.unknownKinds[kind] ?? 0) + 1;
      this.addUnknown(record, kind, counted);
    }
  }

  // ---------------------------------------------------------------- dispatch

  private dispatch(record: LineRecord): boolean {
    switch (record.shape) {
      case 'state':
        return true;
      case 'other':
        return false;
      case 'bare-meta':
        this.onMeta(record.payload, null, record.line);
        return true;
      case 'bare-item':
        return this.onResponseItem(record.payload, null, record.line);
      case 'envelope':
        return this.onEnvelope(record);
    }
  }

  private onEnvelope(record: Extract<LineRecord, { shape: 'envelope' }>): boolean {
    const at = isoTime(record.timestamp);
    this.trackInheritedBurst(record, at);
    if (at && !this.inherited) {
      this.firstAt ??= at;
      this.lastOwnAt = at;
    }
    const payload = obj(record.payload);
    switch (record.type) {
      case 'session_meta':
        this.onMeta(payload, at, record.line);
        return true;
      case 'response_item':
        return this.onResponseItem(payload, at, record.line);
      case 'event_msg':
        return this.onEvent(payload, at, record.line);
      case 'turn_context':
        this.onTurnContext(payload);
        return true;
      case 'compacted':
        this.onCompacted(payload, at, record.line);
        return true;
      case 'inter_agent_communication':
        this.addItem({
          ...this.base(record.line, at),
          kind: 'agent_message',
          author: str(payload.author),
          recipient: str(payload.recipient),
          text: str(payload.content) || (payload.encrypted_content ? '[encrypted message]' : ''),
        });
        return true;
      case 'token_usage_record':
        this.observeTotal(usage(obj(payload).thread_token_usage));
        return true;
      case 'world_state':
      case 'security_risk_score':
      case 'inter_agent_communication_metadata':
        // Model-facing bookkeeping; never shown to readers (format doc §3.4–3.6).
        return true;
      default:
        return false;
    }
  }

  /**
   * Legacy forks copy the parent's records after a second `session_meta` with another id,
   * written in one burst (format doc §7.1). The copy ends at the first record written
   * noticeably later, or at the `thread_settings_applied` that newer versions write after it.
   */
  private trackInheritedBurst(record: Extract<LineRecord, { shape: 'envelope' }>, at: string | null): void {
    if (this.inheritedBurstStart === null || !this.inherited) return;
    const payload = obj(record.payload);
    const ms = at ? Date.parse(at) : null;
    const late = ms !== null && ms - this.inheritedBurstStart > 2000;
    const settings = record.type === 'event_msg' && payload.type === 'thread_settings_applied';
    if (late || settings) {
      this.inheritedBurstStart = null;
      this.endInherited();
    }
  }

  // ---------------------------------------------------------------- session meta

  private onMeta(payload: Obj, at: string | null, line: number): void {
    const id = str(payload.id);
    if (!this.meta) {
      this.meta = payload;
      this.historyMode = str(payload.history_mode);
      this.subagentStartOrdinal = num(payload.subagent_history_start_ordinal);
      return;
    }
    const ownId = str(this.meta.id);
    if (id && ownId && id !== ownId && !this.idPrefix) {
      // A copy of the source thread's header: the fork's inherited block starts here.
      this.inherited = true;
      this.inheritedBurstStart = at ? Date.parse(at) : null;
      if (this.current) this.current.closed = true;
      return;
    }
    if (id && id === ownId) {
      // Metadata update appended to the file (memory mode, git correction): newest wins.
      if (isObj(payload.git)) this.meta = { ...this.meta, git: payload.git };
      if (typeof payload.memory_mode === 'string') this.meta = { ...this.meta, memory_mode: payload.memory_mode };
    }
    void line;
  }

  /**
   * Paginated sub-agents store the parent's context first; those ordinals are inherited.
   * Null when the file does not say (then other rules decide).
   */
  ordinalIsInherited(ordinal: number | null): boolean | null {
    if (this.subagentStartOrdinal === null || ordinal === null) return null;
    return ordinal < this.subagentStartOrdinal;
  }

  setInherited(value: boolean): void {
    if (value === this.inherited) return;
    if (value) this.inherited = true;
    else this.endInherited();
  }

  // ---------------------------------------------------------------- turns

  private base(line: number, at: string | null): { id: string; line: number; at: string | null } {
    let id = `${this.idPrefix}L${line}`;
    if (this.idsUsed.has(id)) {
      let n = 2;
      while (this.idsUsed.has(`${id}-${n}`)) n++;
      id = `${id}-${n}`;
    }
    this.idsUsed.add(id);
    return { id, line, at };
  }

  /** A one-line lifecycle notice (review, goal, undo, sub-agent activity, …). */
  private notice(line: number, at: string | null, label: string, text: string): void {
    this.addItem({ ...this.base(line, at), kind: 'notice', label, text });
  }

  private openTurn(turnId: string | null, at: string | null, explicit: boolean): TurnDraft {
    // An explicit turn left open was cut short; an implied one simply ended at the next prompt.
    if (this.current && !this.current.closed) this.closeTurn(this.current, null, this.current.explicit ? 'incomplete' : 'unknown');
    if (this.current) this.settleAnswers(this.current);
    const index = this.turns.length + 1;
    const draft: TurnDraft = {
      turn: {
        id: turnId ?? `t${index}`,
        index,
        startedAt: at,
        endedAt: null,
        durationMs: null,
        status: explicit ? 'incomplete' : 'unknown',
        model: this.pendingModel?.model ?? null,
        effort: this.pendingModel?.effort ?? null,
        tokens: null,
        rolledBack: false,
        inherited: this.inherited,
        items: [...this.pending],
      },
      explicit,
      closed: false,
      lastTotal: null,
      lastAt: at,
    };
    this.pending = [];
    this.turns.push(draft);
    this.current = draft;
    return draft;
  }

  private closeTurn(draft: TurnDraft, at: string | null, status: string): void {
    draft.closed = true;
    draft.turn.status = status;
    draft.turn.endedAt = at ?? draft.lastAt;
  }

  /** The turn new content belongs to; opens an implicit one if there is none yet. */
  private turnFor(at: string | null): TurnDraft {
    return this.current ?? this.openTurn(null, at, false);
  }

  private addItem(item: Item, opts: { startsTurn?: boolean } = {}): void {
    if (opts.startsTurn) {
      const c = this.current;
      const joinsExplicit = c && c.explicit && !c.closed && !c.turn.items.some((i) => i.kind === 'user_message');
      if (!joinsExplicit) this.openTurn(null, item.at, false);
    } else if (!this.current && (item.kind === 'context' || item.kind === 'notice')) {
      this.pending.push(item);
      return;
    }
    const draft = this.turnFor(item.at);
    draft.turn.items.push(item);
    // A turn with no end marker ends at its last record of work: a compaction, a notice or
    // injected context after the answer is between turns (the demo's pre-turn compaction came
    // three idle minutes after the answer, and made a 12-second turn read 3 min 27 s).
    if (item.at && (draft.explicit || !BETWEEN_TURNS.has(item.kind))) draft.lastAt = item.at;
  }

  // ---------------------------------------------------------------- response items

  private onResponseItem(p: Obj, at: string | null, line: number): boolean {
    switch (p.type) {
      case 'message':
        this.onMessage(p, at, line);
        return true;
      case 'reasoning': {
        const summary = arr(p.summary)
          .map((s) => (isObj(s) ? str(s.text) : null))
          .filter((s): s is string => !!s);
        // `content` holds raw text only for models whose reasoning may be shown (never reasoning_text).
        for (const c of arr(p.content)) if (isObj(c) && c.type === 'text' && str(c.text)) summary.push(str(c.text)!);
        const shown = new Set(summary.map((t) => t.trim()));
        this.answerCandidates = this.answerCandidates.filter((c) => !(c.item.kind === 'reasoning' && shown.has(c.item.summary.join('\n').trim())));
        if (summary.length === 0) return true; // encrypted-only reasoning: nothing a reader may see
        this.addItem({ ...this.base(line, at), kind: 'reasoning', summary, durationMs: num(p.duration_ms) });
        return true;
      }
      case 'function_call':
        this.onFunctionCall(p, at, line);
        return true;
      case 'custom_tool_call':
        this.onCustomToolCall(p, at, line);
        return true;
      case 'local_shell_call': {
        const action = obj(p.action);
        const command = arr(action.command).map(String);
        this.registerCall(str(p.call_id), {
          ...this.base(line, at),
          kind: 'shell',
          callId: str(p.call_id),
          tool: 'local_shell',
          command: commandText(command),
          workdir: str(action.working_directory),
          exitCode: null,
          durationMs: null,
          output: null,
          status: str(p.status),
          byUser: false,
        });
        return true;
      }
      case 'function_call_output':
      case 'custom_tool_call_output':
        this.onToolOutput(p, at, line);
        return true;
      case 'web_search_call': {
        const action = obj(p.action);
        this.addItem({
          ...this.base(line, at),
          kind: 'web_search',
          action: str(action.type) ?? 'search',
          query: str(action.query) ?? (arr(action.queries).map(String).join(' · ') || null),
          url: str(action.url),
          pattern: str(action.pattern),
          status: str(p.status),
        });
        return true;
      }
      case 'image_generation_call':
        this.addItem({
          ...this.base(line, at),
          kind: 'tool_call',
          callId: str(p.id),
          name: 'image_generation',
          namespace: null,
          arguments: str(p.revised_prompt) ?? '',
          output: str(p.status),
          images: str(p.result) ? [{ url: `data:image/png;base64,${str(p.result)}`, path: null, label: null }] : [],
        });
        return true;
      case 'tool_search_call':
        this.registerCall(str(p.call_id), {
          ...this.base(line, at),
          kind: 'tool_call',
          callId: str(p.call_id),
          name: 'tool_search',
          namespace: null,
          arguments: displayArguments(p.arguments),
          output: null,
          images: [],
        });
        return true;
      case 'tool_search_output': {
        const names = arr(p.tools)
          .map((t) => (isObj(t) ? str(t.name) : null))
          .filter((n): n is string => !!n);
        const summary = names.length ? `Found: ${names.join(', ')}` : 'No tools found';
        this.attachOutput(str(p.call_id), at, line, (item) => {
          if (item.kind === 'tool_call') item.output = summary;
        }, summary);
        return true;
      }
      case 'ghost_snapshot':
        return true; // internal git snapshot for /undo; Codex itself skips these
      case 'compaction':
      case 'compaction_summary':
      case 'context_compaction':
        this.addCompaction(null, at, line);
        return true;
      case 'agent_message': {
        const parts = arr(p.content).map((c) =>
          isObj(c) ? (str(c.text) ?? (c.type === 'encrypted_content' ? ENCRYPTED_MESSAGE : '')) : '',
        );
        this.addItem({
          ...this.base(line, at),
          kind: 'agent_message',
          author: str(p.author),
          recipient: str(p.recipient),
          text: parts.filter(Boolean).join('\n'),
        });
        return true;
      }
      default:
        return false;
    }
  }

  private onMessage(p: Obj, at: string | null, line: number): void {
    const role = str(p.role) ?? 'user';
    const parts = arr(p.content).filter(isObj);
    const texts = parts.map((c) => str(c.text)).filter((t): t is string => t !== null);

    if (role === 'developer') {
      for (const t of texts) {
        this.addItem({ ...this.base(line, at), kind: 'context', label: developerLabel(t), role, text: t });
      }
      return;
    }
    if (role === 'assistant' || role === 'system') {
      const joined = texts.join('\n\n');
      const mailbox = texts.length === 1 ? parseMailboxMessage(joined) : null;
      if (mailbox) {
        this.addItem({ ...this.base(line, at), kind: 'agent_message', author: mailbox.author, recipient: mailbox.recipient, text: mailbox.content });
        return;
      }
      this.answerCandidates = this.answerCandidates.filter((c) => !(c.item.kind === 'assistant_message' && c.item.text.trim() === joined.trim()));
      const sources = citedSources(parts);
      this.addItem({ ...this.base(line, at), kind: 'assistant_message', text: joined, phase: str(p.phase), role, ...(sources.length ? { sources } : {}) });
      return;
    }
    this.onUserMessage(parts, at, line);
  }

  /** A user-role message: real prompt, injected context, `!command`, or notification. */
  private onUserMessage(parts: Obj[], at: string | null, line: number): void {
    const proseParts: string[] = [];
    const images: ImageRef[] = [];
    let nextLabel: { label: string | null; path: string | null } | null = null;
    for (const part of parts) {
      const t = str(part.text);
      if (t !== null) {
        if (isMediaLabel(t)) {
          nextLabel = t.trim().startsWith('</') ? null : parseMediaLabel(t);
          continue;
        }
        if (isUserShellCommand(t)) {
          this.addUserShell(t, at, line);
          continue;
        }
        if (isSubagentNotification(t)) {
          this.notice(line, at, 'sub-agent notification', subagentNotificationText(t));
          continue;
        }
        const label = injectedLabel(t);
        if (label) {
          this.addItem({ ...this.base(line, at), kind: 'context', label, role: 'user', text: t });
          continue;
        }
        proseParts.push(t);
      } else if (part.type === 'input_image') {
        images.push({ url: str(part.image_url), path: nextLabel?.path ?? null, label: nextLabel?.label ?? null });
      } else if (part.type === 'input_audio') {
        proseParts.push('[audio attachment]');
      }
    }
    if (proseParts.length === 0 && images.length === 0) return;
    const { context, request } = splitIdeContext(proseParts.join('\n\n'));
    if (context) this.addItem({ ...this.base(line, at), kind: 'context', label: 'IDE context', role: 'user', text: context });
    const shown = this.current?.turn.items.find((i) => this.promptsFromEvents.has(i) && i.kind === 'user_message' && i.text.trim() === request.trim());
    if (shown) {
      this.promptsFromEvents.delete(shown);
      return;
    }
    this.addItem({ ...this.base(line, at), kind: 'user_message', text: request, images }, { startsTurn: true });
  }

  private addUserShell(t: string, at: string | null, line: number): void {
    const command = /<command>([\s\S]*?)<\/command>/.exec(t)?.[1]?.trim() ?? '';
    const result = /<result>([\s\S]*?)<\/result>/.exec(t)?.[1] ?? null;
    const outcome = result === null ? null : parseShellOutput(result.replace(/^\n/, ''));
    this.addItem({
      ...this.base(line, at),
      kind: 'shell',
      callId: null,
      tool: 'user shell',
      command,
      workdir: null,
      exitCode: outcome?.exitCode ?? null,
      durationMs: outcome?.durationMs ?? null,
      output: outcome?.output ?? result,
      status: outcome?.exitCode === null || outcome === null ? null : outcome.exitCode === 0 ? 'completed' : 'failed',
      byUser: true,
    });
  }

  /**
   * Events mirror response items (format doc §9.2), so they are normally not shown. A file may
   * hold only the event (a damaged or trimmed file, an unusual client): then the event is the
   * only record of what was said, and it is shown. Codex writes a prompt's response item before
   * its event, so an unmirrored prompt event is shown at once.
   */
  private onUserMessageEvent(p: Obj, at: string | null, line: number): void {
    const kind = str(p.kind);
    if (kind === 'user_instructions' || kind === 'environment_context') return;
    const { request } = splitIdeContext(str(p.message) ?? '');
    const images: ImageRef[] = [
      ...arr(p.images).map((u) => ({ url: str(u), path: null, label: null })),
      ...arr(p.local_images).map((path) => ({ url: null, path: str(path), label: null })),
    ];
    if (!request.trim() && images.length === 0) return;
    const mirrored = this.current?.turn.items.some((i) => i.kind === 'user_message' && i.text.trim() === request.trim());
    if (mirrored) return;
    const item: Item = { ...this.base(line, at), kind: 'user_message', text: request, images };
    this.promptsFromEvents.add(item);
    this.addItem(item, { startsTurn: true });
  }

  /**
   * A reasoning summary event, like an answer event, comes before its response item: held the
   * same way, it shows only when the item never came (a session killed while the model was
   * still thinking: corpus 0.39.0, killed-sigkill).
   */
  private onAgentReasoningEvent(p: Obj, at: string | null, line: number): void {
    const text = str(p.text) ?? '';
    if (!text.trim()) return;
    const draft = this.turnFor(at);
    const item: Item = { ...this.base(line, at), kind: 'reasoning', summary: [text], durationMs: null };
    this.answerCandidates.push({ draft, index: draft.turn.items.length, item });
  }

  /** An answer event comes before its response item: hold it until the turn ends, then show it only if unmirrored. */
  private onAgentMessageEvent(p: Obj, at: string | null, line: number): void {
    const text = str(p.message) ?? '';
    if (!text.trim()) return;
    const draft = this.turnFor(at);
    const item: Item = { ...this.base(line, at), kind: 'assistant_message', text, phase: str(p.phase), role: 'assistant' };
    this.answerCandidates.push({ draft, index: draft.turn.items.length, item });
  }

  /** Put unmirrored answer events of this turn where they occurred. */
  private settleAnswers(draft: TurnDraft): void {
    const mine = this.answerCandidates.filter((c) => c.draft === draft).sort((a, b) => b.index - a.index);
    if (mine.length === 0) return;
    for (const c of mine) draft.turn.items.splice(c.index, 0, c.item);
    this.answerCandidates = this.answerCandidates.filter((c) => c.draft !== draft);
  }

  // ---------------------------------------------------------------- tool calls

  private onFunctionCall(p: Obj, at: string | null, line: number): void {
    const name = str(p.name) ?? 'unknown';
    const namespace = str(p.namespace);
    const callId = str(p.call_id);
    const rawArgs = str(p.arguments) ?? (p.arguments === undefined ? '' : prettyJson(p.arguments));
    const args = obj(parseJsonText(rawArgs));
    const b = this.base(line, at);

    if (name === 'shell' || name === 'container.exec' || name === 'shell_command' || name === 'exec_command') {
      const argv = Array.isArray(args.command) ? args.command.map(String) : null;
      if (argv && argv[0] === 'apply_patch' && typeof argv[1] === 'string') {
        this.registerCall(callId, patchItem(b, callId, argv[1]));
        return;
      }
      const command = argv ? commandText(argv) : (str(args.command) ?? str(args.cmd) ?? rawArgs);
      this.registerCall(callId, {
        ...b,
        kind: 'shell',
        callId,
        tool: name,
        command,
        workdir: str(args.workdir),
        exitCode: null,
        durationMs: null,
        output: null,
        status: null,
        byUser: false,
      });
      return;
    }
    if (name === 'apply_patch') {
      this.registerCall(callId, patchItem(b, callId, str(args.input) ?? rawArgs));
      return;
    }
    if (name === 'update_plan') {
      this.registerCall(callId, {
        ...b,
        kind: 'plan',
        explanation: str(args.explanation),
        steps: arr(args.plan)
          .filter(isObj)
          .map((s) => ({ step: str(s.step) ?? '', status: str(s.status) ?? 'pending' })),
        text: null,
      });
      return;
    }
    if (name === 'view_image') {
      this.registerCall(callId, { ...b, kind: 'view_image', callId, path: str(args.path), images: [] });
      return;
    }
    const mcp = mcpName(name, namespace);
    if (mcp) {
      this.registerCall(callId, {
        ...b,
        kind: 'mcp',
        callId,
        server: mcp.server,
        tool: mcp.tool,
        arguments: displayArguments(rawArgs),
        result: null,
        isError: null,
        durationMs: null,
      });
      return;
    }
    if (SUBAGENT_TOOLS.has(name)) {
      const ids = [
        ...arr(args.ids),
        ...arr(args.targets),
        ...(str(args.id) ? [args.id] : []),
        ...(str(args.target) ? [args.target] : []),
      ]
        .map((v) => str(v))
        .filter((v): v is string => !!v);
      this.agentCalls = true;
      this.registerCall(callId, {
        ...b,
        kind: 'subagent',
        callId,
        tool: name,
        prompt: str(args.message) ?? str(args.prompt) ?? str(args.task) ?? str(args.items) ?? null,
        arguments: displayArguments(rawArgs),
        output: null,
        agents: ids.map((id) => ({
          threadId: id.startsWith('/') ? null : id,
          nickname: null,
          role: str(args.agent_type) ?? str(args.agent_role),
          path: id.startsWith('/') ? id : null,
          status: null,
        })),
      });
      return;
    }
    this.registerCall(callId, {
      ...b,
      kind: 'tool_call',
      callId,
      name,
      namespace,
      arguments: displayArguments(rawArgs),
      output: null,
      images: [],
    });
  }

  private onCustomToolCall(p: Obj, at: string | null, line: number): void {
    const name = str(p.name) ?? 'unknown';
    const callId = str(p.call_id);
    const input = str(p.input) ?? '';
    const b = this.base(line, at);
    if (name === 'apply_patch') {
      this.registerCall(callId, patchItem(b, callId, input));
      return;
    }
    this.registerCall(callId, {
      ...b,
      kind: 'tool_call',
      callId,
      name,
      namespace: str(p.namespace),
      arguments: input,
      output: null,
      images: [],
    });
  }

  private registerCall(callId: string | null, item: Item): void {
    this.addItem(item);
    if (!callId) return;
    this.calls.set(callId, item);
    const queued = this.waiting.get(callId);
    if (queued) {
      this.waiting.delete(callId);
      for (const enrich of queued) enrich(item);
    }
  }

  /** Apply to the call's item now, or when the call appears (events can precede their call). */
  private enrich(callId: string | null, fn: Enrich): void {
    if (!callId) return;
    const item = this.calls.get(callId);
    if (item) fn(item);
    else this.waiting.set(callId, [...(this.waiting.get(callId) ?? []), fn]);
  }

  /**
   * Attach an output to its call. An output whose call is not in the file (a fork cut, a
   * damaged line) still shows, as a tool call of unknown name.
   */
  private attachOutput(callId: string | null, at: string | null, line: number, fn: Enrich, fallback: string | null): void {
    const item = callId ? this.calls.get(callId) : undefined;
    if (item) {
      fn(item);
      return;
    }
    this.addItem({
      ...this.base(line, at),
      kind: 'tool_call',
      callId,
      name: '(output of an unrecorded call)',
      namespace: null,
      arguments: '',
      output: fallback,
      images: [],
    });
  }

  private onToolOutput(p: Obj, at: string | null, line: number): void {
    const callId = str(p.call_id);
    const { text: out, images } = flattenToolOutput(p.output);
    this.attachOutput(
      callId,
      at,
      line,
      (item) => {
        switch (item.kind) {
          case 'shell': {
            const parsed = parseShellOutput(out ?? '');
            // Enrichment from richer records (exec_command_end, CommandExecution) wins.
            item.output ??= parsed.output;
            item.exitCode ??= parsed.exitCode;
            item.durationMs ??= parsed.durationMs;
            if (isDeclinedOutput(parsed.output)) item.status = 'declined';
            else if (isInterruptedOutput(parsed.output)) item.status = 'interrupted';
            else item.status ??= item.exitCode === null ? null : item.exitCode === 0 ? 'completed' : 'failed';
            break;
          }
          case 'patch': {
            const parsed = parseShellOutput(out ?? '');
            item.output ??= parsed.output;
            if (item.success === null) {
              if (parsed.exitCode !== null) item.success = parsed.exitCode === 0;
              else if (/^Success\./.test(parsed.output)) item.success = true;
              else if (isDeclinedOutput(parsed.output) || /^(error|failed|invalid)/i.test(parsed.output)) item.success = false;
            }
            break;
          }
          case 'mcp': {
            if (item.result === null) {
              const parsed = out === null ? undefined : parseJsonText(out);
              const r = parsed === undefined ? { text: out, isError: null } : mcpResultText(parsed);
              item.result = r.text ?? out;
              item.isError ??= r.isError;
            }
            break;
          }
          case 'view_image':
            item.images.push(...images);
            break;
          case 'subagent': {
            item.output ??= out;
            const found = agentsInResult(out, item.agents.length === 1 ? item.agents[0]!.threadId : null);
            mergeAgents(item, found.agents);
            if (found.reports.length > 0) item.reports = found.reports;
            if (found.agents.length > 0 || found.reports.length > 0) item.resultRead = true;
            break;
          }
          case 'plan':
            break; // "Plan updated": nothing a reader needs
          case 'tool_call':
            item.output ??= out;
            item.images.push(...images);
            break;
          default:
            break;
        }
      },
      out,
    );
  }

  // ---------------------------------------------------------------- events

  private onEvent(p: Obj, at: string | null, line: number): boolean {
    const type = str(p.type);
    switch (type) {
      // Mirrors of response items (format doc §9.2): the response item is shown, these are not.
      case 'user_message':
        this.onUserMessageEvent(p, at, line);
        return true;
      case 'agent_message':
        this.onAgentMessageEvent(p, at, line);
        return true;
      case 'agent_reasoning':
        this.onAgentReasoningEvent(p, at, line);
        return true;
      case 'agent_reasoning_raw_content':
      case 'agent_reasoning_section_break':
      case 'web_search_end':
      case 'view_image_tool_call':
      case 'dynamic_tool_call_request':
      case 'dynamic_tool_call_response':
      case 'guardian_assessment':
        return true;
      case 'thread_name_updated':
      case 'session_renamed':
        this.threadNameFromEvents = text(p.thread_name) ?? text(p.name) ?? this.threadNameFromEvents;
        return true;
      case 'token_count': {
        const info = obj(p.info);
        this.observeTotal(usage(info.total_token_usage), usage(info.last_token_usage));
        this.contextWindow = num(info.model_context_window) ?? this.contextWindow;
        return true;
      }
      case 'task_started':
      case 'turn_started': {
        const startedAt = unixToIso(p.started_at, 's') ?? at;
        this.openTurn(str(p.turn_id), startedAt, true);
        this.contextWindow = num(p.model_context_window) ?? this.contextWindow;
        return true;
      }
      case 'task_complete':
      case 'turn_complete': {
        const draft = this.findTurn(str(p.turn_id));
        if (!draft) return true;
        const error = obj(p.error);
        if (str(error.message)) {
          this.addItem({ ...this.base(line, at), kind: 'error', message: str(error.message)! });
        }
        this.closeTurn(draft, unixToIso(p.completed_at, 's') ?? at, str(error.message) ? 'failed' : 'completed');
        draft.turn.durationMs = num(p.duration_ms) ?? draft.turn.durationMs;
        return true;
      }
      case 'turn_aborted': {
        const reason = str(p.reason) ?? 'interrupted';
        const draft = this.findTurn(str(p.turn_id)) ?? this.turnFor(at);
        draft.turn.items.push({ ...this.base(line, at), kind: 'aborted', reason });
        this.closeTurn(draft, unixToIso(p.completed_at, 's') ?? at, 'aborted');
        draft.turn.durationMs = num(p.duration_ms) ?? draft.turn.durationMs;
        return true;
      }
      case 'thread_rolled_back': {
        const n = num(p.num_turns) ?? 0;
        let marked = 0;
        for (let i = this.turns.length - 1; i >= 0 && marked < n; i--) {
          const t = this.turns[i]!.turn;
          if (t.rolledBack) continue;
          t.rolledBack = true;
          marked++;
        }
        this.addItem({ ...this.base(line, at), kind: 'rollback', numTurns: n });
        return true;
      }
      case 'context_compacted':
        this.addCompaction(null, at, line);
        return true;
      case 'thread_settings_applied': {
        const s = obj(p.thread_settings);
        const model = str(s.model);
        const effort = str(s.reasoning_effort) ?? str(obj(obj(s.collaboration_mode).settings).reasoning_effort);
        if (model) this.pendingModel = { model, effort };
        return true;
      }
      case 'patch_apply_end':
        this.enrich(str(p.call_id), (item) => {
          if (item.kind !== 'patch') return;
          const files = filesFromChangeMap(p.changes);
          if (files.length) item.files = files;
          const success = bool(p.success);
          if (success !== null) item.success = success;
          else if (str(p.status)) item.success = p.status === 'completed';
        });
        return true;
      case 'exec_command_end':
        this.enrich(str(p.call_id), (item) => {
          if (item.kind !== 'shell') return;
          item.exitCode = num(p.exit_code) ?? item.exitCode;
          item.durationMs = rustDurationMs(p.duration) ?? item.durationMs;
          item.output = str(p.aggregated_output) ?? item.output;
          item.status = str(p.status) ?? item.status;
        });
        return true;
      case 'mcp_tool_call_end':
        this.enrich(str(p.call_id), (item) => {
          if (item.kind !== 'mcp') return;
          const inv = obj(p.invocation);
          item.server = str(inv.server) ?? item.server;
          item.durationMs = rustDurationMs(p.duration);
          const result = obj(p.result);
          if ('Ok' in result) {
            const r = mcpResultText(result.Ok);
            item.result = r.text;
            item.isError = r.isError ?? false;
          } else if ('Err' in result) {
            item.result = typeof result.Err === 'string' ? result.Err : prettyJson(result.Err);
            item.isError = true;
          }
        });
        return true;
      case 'image_generation_end':
        this.notice(line, at, 'image generated', [str(p.revised_prompt), str(p.saved_path)].filter(Boolean).join('\n'));
        return true;
      case 'entered_review_mode':
        this.notice(line, at, 'review started', reviewTarget(p));
        return true;
      case 'exited_review_mode':
        this.notice(line, at, 'review finished', reviewOutput(p.review_output));
        return true;
      case 'thread_goal_updated': {
        const goal = obj(p.goal);
        this.notice(line, at, `goal ${str(goal.status) ?? 'updated'}`, str(goal.objective) ?? '');
        return true;
      }
      case 'undo_completed':
        this.notice(line, at, bool(p.success) === false ? 'undo failed' : 'undo', str(p.message) ?? '');
        return true;
      case 'sub_agent_activity':
        this.notice(line, at, `sub-agent ${str(p.kind) ?? 'activity'}`, str(p.agent_path) ?? str(p.agent_thread_id) ?? '');
        return true;
      case 'error':
      case 'stream_error':
        this.addItem({ ...this.base(line, at), kind: 'error', message: str(p.message) ?? 'error' });
        return true;
      case 'collab_agent_spawn_end':
      case 'collab_agent_interaction_end':
      case 'collab_waiting_end':
      case 'collab_close_end':
      case 'collab_resume_end':
        this.enrich(str(p.call_id), (item) => {
          if (item.kind === 'subagent') mergeAgents(item, collabAgents(p));
        });
        return true;
      case 'item_completed':
        return this.onTurnItem(obj(p.item), str(p.turn_id), at, line, p);
      default:
        return false;
    }
  }

  /** Paginated turn items (format doc §6.2): enrich calls by id, add what has no response item. */
  private onTurnItem(item: Obj, turnId: string | null, at: string | null, line: number, event: Obj): boolean {
    const id = str(item.id);
    const when = unixToIso(event.completed_at_ms, 'ms') ?? at;
    switch (item.type) {
      case 'UserMessage':
      case 'AgentMessage':
      case 'Reasoning':
      case 'WebSearch':
      case 'ContextCompaction':
        return true; // mirrored by response items / the `compacted` line
      case 'CommandExecution':
        this.enrich(id, (target) => {
          if (target.kind !== 'shell') return;
          target.exitCode = num(item.exit_code) ?? target.exitCode;
          target.durationMs = rustDurationMs(item.duration) ?? target.durationMs;
          target.output = str(item.aggregated_output) ?? target.output;
          target.status = str(item.status) ?? target.status;
          target.workdir ??= fileUrlToPath(str(item.cwd));
        });
        return true;
      case 'FileChange':
        this.enrich(id, (target) => {
          if (target.kind !== 'patch') return;
          const files = filesFromChangeMap(item.changes);
          if (files.length) target.files = files;
          const status = str(item.status);
          if (status) target.success = status === 'completed';
        });
        return true;
      case 'McpToolCall':
        this.enrich(id, (target) => {
          if (target.kind !== 'mcp') return;
          target.server = str(item.server) ?? target.server;
          target.durationMs = rustDurationMs(item.duration) ?? target.durationMs;
          if (item.result !== undefined && item.result !== null) {
            const r = mcpResultText(item.result);
            target.result = r.text ?? target.result;
            target.isError = r.isError ?? target.isError;
          }
          const err = str(obj(item.error).message);
          if (err) {
            target.result = err;
            target.isError = true;
          }
        });
        return true;
      case 'DynamicToolCall':
        this.enrich(id, (target) => {
          if (target.kind === 'tool_call' && target.output === null) {
            target.output = flattenToolOutput(item.content_items).text;
          }
        });
        return true;
      case 'CollabAgentToolCall':
        this.enrich(id, (target) => {
          if (target.kind === 'subagent') mergeAgents(target, collabAgents(item));
        });
        return true;
      case 'ImageView':
        this.enrich(id, (target) => {
          if (target.kind === 'view_image') target.path ??= fileUrlToPath(str(item.path));
        });
        return true;
      case 'Plan':
        this.addItem({ ...this.base(line, when), kind: 'plan', explanation: null, steps: [], text: str(item.text) ?? '' });
        return true;
      case 'HookPrompt': {
        const fragments = arr(item.fragments).map((f) => (isObj(f) ? (str(f.text) ?? '') : ''));
        this.addItem({ ...this.base(line, when), kind: 'context', label: 'hook prompt', role: 'user', text: fragments.join('\n') });
        return true;
      }
      case 'SubAgentActivity': {
        // v2: the `started` activity carries the spawn call's id; it names the new agent.
        const spawned = id ? this.calls.get(id) : undefined;
        const agent = { threadId: str(item.agent_thread_id), nickname: null, role: null, path: str(item.agent_path), status: str(item.kind) };
        if (spawned?.kind === 'subagent') {
          mergeAgents(spawned, [agent]);
          return true;
        }
        this.notice(line, when, `sub-agent ${str(item.kind) ?? 'activity'}`, str(item.agent_path) ?? str(item.agent_thread_id) ?? '');
        return true;
      }
      case 'EnteredReviewMode':
        this.notice(line, when, 'review started', reviewTarget(item));
        return true;
      case 'ExitedReviewMode':
        this.notice(line, when, 'review finished', reviewOutput(item.review_output));
        return true;
      case 'ImageGeneration':
        this.addItem({
          ...this.base(line, when),
          kind: 'tool_call',
          callId: id,
          name: 'image_generation',
          namespace: null,
          arguments: str(item.revised_prompt) ?? '',
          output: str(item.status),
          images: str(item.result) ? [{ url: `data:image/png;base64,${str(item.result)}`, path: str(item.saved_path), label: null }] : [],
        });
        return true;
      case 'Extension':
        this.notice(line, when, str(item.kind) ?? 'extension', prettyJson(item));
        return true;
      default:
        void turnId;
        return false;
    }
  }

  // ---------------------------------------------------------------- other records

  private onTurnContext(p: Obj): void {
    const model = str(p.model);
    const effort =
      str(p.effort) ?? str(obj(obj(p.collaboration_mode).settings).reasoning_effort) ?? str(obj(p.collaboration_mode).reasoning_effort);
    if (!model) return;
    this.pendingModel = { model, effort };
    const c = this.current;
    if (c && !c.closed && (c.turn.model === null || c.explicit)) {
      c.turn.model = model;
      c.turn.effort = effort;
    }
  }

  private onCompacted(p: Obj, at: string | null, line: number): void {
    const message = str(p.message);
    const summary = message ? message.replace(COMPACTION_PREFIX, '').trim() || null : null;
    this.addCompaction(summary, at, line);
  }

  /** One divider per compaction, though Codex may write it up to three ways in a row. */
  private addCompaction(summary: string | null, at: string | null, line: number): void {
    const items = this.current?.turn.items ?? [];
    const last = [...items].reverse().find((i) => i.kind !== 'context' && i.kind !== 'notice');
    if (last?.kind === 'compaction' && line - this.lastCompactionLine <= 6) {
      last.summary ??= summary;
      return;
    }
    this.lastCompactionLine = line;
    this.addItem({ ...this.base(line, at), kind: 'compaction', summary });
  }

  private addUnknown(record: LineRecord, kind: string, reported: boolean): void {
    const value = record.shape === 'envelope' ? { type: record.type, payload: record.payload } : record.shape === 'other' ? record.value : record.shape === 'state' ? {} : record.payload;
    let raw = prettyJson(value);
    const truncated = raw.length > RAW_LIMIT;
    if (truncated) raw = raw.slice(0, RAW_LIMIT);
    const at = record.shape === 'envelope' ? isoTime(record.timestamp) : null;
    this.addItem({ ...this.base(record.line, at), kind: 'unknown', recordKind: kind, raw, truncated });
    if (reported) this.report(record.line, 'unknown-record', `Unknown record kind "${kind}": kept and shown raw.`, 'info');
  }

  private findTurn(turnId: string | null): TurnDraft | null {
    if (turnId) {
      for (let i = this.turns.length - 1; i >= 0; i--) if (this.turns[i]!.turn.id === turnId) return this.turns[i]!;
    }
    return this.current;
  }

  private observeTotal(reported: TokenUsage | null, lastCall: TokenUsage | null = null): void {
    if (!reported) return;
    // Codex counts from zero in each process (corpus 0.39.0, 0.63.0, and the demo fork; the
    // format doc says totals continue). A new process shows as a report below the last one in
    // the file, or as a total that is just its own first call (a resume re-sends the whole
    // context, so that call alone can be above the last total). What earlier processes counted
    // is carried, so totals only grow. The same report written twice is not a new process.
    const previous = this.lastTotal ? this.lastTotal.total - this.carriedTotal.total : null;
    const firstCall = lastCall !== null && lastCall.total > 0 && lastCall.total === reported.total;
    if (previous !== null && (reported.total < previous || (firstCall && reported.total !== previous))) {
      this.carriedTotal = this.lastTotal!;
    }
    const total = add(reported, this.carriedTotal.total > 0 ? this.carriedTotal : null);
    this.lastTotal = total;
    if (this.current) this.current.lastTotal = total;
  }

  // ---------------------------------------------------------------- result

  /**
   * Whether the last turn of a file without turn-end markers was cut off. Such files (generations
   * 0 and 1, and generation 2 before Codex wrote task events) never say how a turn ended, but
   * every turn that finished in them ends on the assistant's answer, an abort, an error or a
   * compaction: all 16 finished sessions of the corpus's 0.1.x, 0.20, 0.39 and 0.63 files do.
   * Its 6 killed and interrupted runs (SIGKILL during an answer or a command; 0.20 and 0.63 write
   * no abort for SIGINT under `codex exec`) end on the prompt, reasoning or a command instead.
   */
  private cutOffWithoutMarkers(last: TurnDraft): boolean {
    if (this.turns.some((d) => d.explicit) || last.turn.status !== 'unknown' || last.turn.inherited) return false;
    const end = last.turn.items.findLast((i) => i.kind !== 'context' && i.kind !== 'notice');
    return end !== undefined && !FINISHED_ON.has(end.kind);
  }

  /** Close the session and return it, with diagnostics. Never throws for bad input. */
  finish(extra: { threadName: string | null; generation: 0 | 1 | 2 | 3 }): Session {
    const meta = this.meta ?? {};
    // A blank id (`""`, spaces) would name no page and stop the whole build: use the file's.
    const id = text(meta.id) ?? this.input.idFromName ?? this.input.file;
    if (!this.meta) {
      this.report(null, 'no-session-meta', 'The file has no session header; the id was taken from the file name.', 'warning');
    }
    // A last turn with no end marker: killed, crashed, or still running.
    const last = this.turns.at(-1);
    if (last && !last.closed) this.closeTurn(last, null, last.explicit ? 'incomplete' : 'unknown');
    for (const draft of this.turns) this.settleAnswers(draft);
    if (this.pending.length) this.openTurn(null, null, false);
    const cutOff = last !== undefined && this.cutOffWithoutMarkers(last);
    if (cutOff) last.turn.status = 'incomplete';
    for (const draft of this.turns) if (draft.turn.status === 'aborted') markInterrupted(draft.turn);
    for (const draft of this.turns) foldCompactionAnswers(draft.turn);
    // Most sessions spawn no agent: no pass over all their items for that.
    if (this.agentCalls) settleAgentCalls(this.turns.flatMap((d) => d.turn.items));

    let previous: TokenUsage | null = null;
    for (const draft of this.turns) {
      if (draft.lastTotal) {
        draft.turn.tokens = subtract(draft.lastTotal, previous);
        previous = draft.lastTotal;
      }
      // A turn with no end has no duration: its last record is only when it was cut off.
      if (draft.turn.durationMs === null && draft.turn.status !== 'incomplete' && draft.turn.startedAt && draft.turn.endedAt) {
        const ms = Date.parse(draft.turn.endedAt) - Date.parse(draft.turn.startedAt);
        draft.turn.durationMs = ms >= 0 ? ms : null;
      }
    }

    const turns = this.turns.map((d) => d.turn);
    relativisePatchPaths(turns, str(meta.cwd));
    const startedAt =
      isoTime(meta.timestamp) ?? this.firstAt ?? turns.find((t) => t.startedAt)?.startedAt ?? null;
    // Generations 0 and 1 have few or no record times. The file's mtime still orders sessions by
    // last activity, but it is also when a backup was copied or restored (every 0.1.x and 0.20
    // session of the corpus "lasted 21 h"), so no duration is taken from it.
    const ownEnd = extra.generation <= 1 ? this.lastOwnAt : (this.lastOwnAt ?? startedAt);
    const endedAt = ownEnd ?? (extra.generation <= 1 && this.input.mtimeMs ? new Date(this.input.mtimeMs).toISOString() : null);
    const durationMs = startedAt && ownEnd ? Math.max(0, Date.parse(ownEnd) - Date.parse(startedAt)) : null;
    const preview = previewOf(turns);
    const threadName = extra.threadName ?? this.threadNameFromEvents ?? text(meta.name);
    const lineage = lineageOf(meta, turns);
    const supported = this.historyMode === null || this.historyMode === 'legacy' || this.historyMode === 'paginated';
    const explicitIncomplete = this.turns.some((d) => d.explicit) && last !== undefined && last.turn.status === 'incomplete';

    return {
      id,
      file: this.input.file,
      generation: extra.generation,
      historyMode: this.historyMode,
      supported,
      notice: supported
        ? null
        : `History format "${this.historyMode}" is not supported by this version of codex-archive: only the session's metadata is shown.`,
      archived: this.input.archived,
      // The id's first 8 characters name an untitled session only when the id is a UUID: any
      // other id is content, and its start may be a secret no rule recognises when cut to 8.
      title: threadName ?? preview ?? (/^[0-9a-f]{8}-[0-9a-f-]+$/i.test(id) ? `Session ${id.slice(0, 8)}` : 'Untitled session'),
      threadName,
      preview,
      startedAt,
      endedAt,
      durationMs,
      cwd: str(meta.cwd) ?? firstTurnContextCwd(turns),
      git: gitOf(meta.git),
      originator: str(meta.originator),
      cliVersion: str(meta.cli_version),
      source: sourceOf(meta.source, meta.originator),
      threadSource: str(meta.thread_source),
      modelProvider: str(meta.model_provider),
      models: modelsOf(turns),
      lineage,
      tokens: this.lastTotal ? subtract(this.lastTotal, this.inheritedTotal) : null,
      contextWindow: this.contextWindow,
      incomplete: this.cutLastLine || explicitIncomplete || cutOff,
      turns: supported ? turns : [],
      diagnostics: this.diagnostics,
    };
  }
}
