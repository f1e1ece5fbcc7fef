/**
 * Sub-agents as multi-agent records describe them: receivers of a collab tool call, their
 * nicknames, roles and states, merged onto the call that addressed them.
 */
import type { Item } from '../model/session.ts';
import { arr, isObj, obj, str, type Obj } from './values.ts';

export type Agent = Extract<Item, { kind: 'subagent' }>['agents'][number];

export function collabAgents(p: Obj): Agent[] {
  const states = obj(p.agents_states);
  const agents: Agent[] = [];
  const receivers = arr(p.receiver_agents).filter(isObj);
  const ids = arr(p.receiver_thread_ids).map((v) => str(v)).filter((v): v is string => !!v);
  for (const r of receivers) {
    const threadId = str(r.thread_id);
    agents.push({
      threadId,
      nickname: str(r.agent_nickname),
      role: str(r.agent_role),
      path: str(r.agent_path),
      status: threadId ? agentStatus(states[threadId]) : null,
    });
  }
  for (const threadId of ids) {
    if (!agents.some((a) => a.threadId === threadId)) {
      agents.push({ threadId, nickname: null, role: null, path: null, status: agentStatus(states[threadId]) });
    }
  }
  const single = str(p.receiver_thread_id) ?? str(p.new_thread_id);
  if (single && !agents.some((a) => a.threadId === single)) {
    agents.push({
      threadId: single,
      nickname: str(p.receiver_agent_nickname) ?? str(p.new_agent_nickname),
      role: str(p.receiver_agent_role) ?? str(p.new_agent_role),
      path: null,
      status: agentStatus(p.status),
    });
  }
  return agents;
}

/** Agent status: a string, or `{completed: text}` / `{errored: text}`. */
export function agentStatus(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (isObj(value)) {
    const key = Object.keys(value)[0];
    if (key === 'status' && typeof value.status === 'string') return value.status;
    return key ?? null;
  }
  return null;
}

/** What an agent reported (SubAgentItem `reports`). */
export type AgentReport = NonNullable<Extract<Item, { kind: 'subagent' }>['reports']>[number];

/** An agent's final message, when `state` is `{completed: text}` or `{errored: text}`. */
function reportOf(threadId: string | null, state: unknown): AgentReport | null {
  if (!isObj(state)) return null;
  for (const status of ['completed', 'errored'] as const) {
    const text = str(state[status]);
    if (text) return { threadId, status, text };
  }
  return null;
}

/**
 * The agents and reports a multi-agent call's result names. Codex returns JSON text:
 * `spawn_agent` `{agent_id, nickname}`, `wait_agent` `{status: {<thread id>: state}}`,
 * `close_agent` `{previous_status: state}` for the one agent it addressed (`addressed`). Anything
 * else, or text that is not JSON, names nothing (the result is still shown as it is).
 */
export function agentsInResult(output: string | null, addressed: string | null): { agents: Agent[]; reports: AgentReport[] } {
  const agents: Agent[] = [];
  const reports: AgentReport[] = [];
  if (!output || !output.trimStart().startsWith('{')) return { agents, reports };
  let value: unknown;
  try {
    value = JSON.parse(output);
  } catch {
    return { agents, reports };
  }
  if (!isObj(value)) return { agents, reports };
  const spawned = str(value.agent_id);
  if (spawned) agents.push({ threadId: spawned, nickname: str(value.nickname), role: null, path: null, status: null });
  for (const [threadId, state] of Object.entries(obj(value.status))) {
    agents.push({ threadId, nickname: null, role: null, path: null, status: agentStatus(state) });
    const report = reportOf(threadId, state);
    if (report) reports.push(report);
  }
  const closed = reportOf(addressed, value.previous_status);
  if (closed) reports.push(closed);
  return { agents, reports };
}

/**
 * Once a session is read: its sub-agent calls share what any of them learnt (nicknames) and do
 * not repeat a report an earlier call carried.
 */
export function settleAgentCalls(items: readonly Item[]): void {
  shareNicknames(items);
  dropRepeatedReports(items);
}

/**
 * Nicknames known anywhere in the session, given to every call that addressed the same agent:
 * `wait_agent` and `close_agent` name agents by thread id only, and the spawn's result or a
 * collab record gave the name ("Noether").
 */
function shareNicknames(items: readonly Item[]): void {
  const names = new Map<string, string>();
  for (const item of items) {
    if (item.kind !== 'subagent') continue;
    for (const a of item.agents) if (a.threadId && a.nickname && !names.has(a.threadId)) names.set(a.threadId, a.nickname);
  }
  if (names.size === 0) return;
  for (const item of items) {
    if (item.kind !== 'subagent') continue;
    for (const a of item.agents) if (a.threadId && !a.nickname) a.nickname = names.get(a.threadId) ?? null;
  }
}

/**
 * A report an earlier call already carried is not repeated: `close_agent` returns the final
 * message `wait_agent` returned before it (its result, as recorded, keeps it).
 */
function dropRepeatedReports(items: readonly Item[]): void {
  const seen = new Set<string>();
  for (const item of items) {
    if (item.kind !== 'subagent' || !item.reports) continue;
    item.reports = item.reports.filter((r) => {
      const key = `${r.threadId}\u0000${r.text}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    if (item.reports.length === 0) delete item.reports;
  }
}

export function mergeAgents(item: Extract<Item, { kind: 'subagent' }>, found: Agent[]): void {
  for (const agent of found) {
    const existing = item.agents.find((a) => (agent.threadId && a.threadId === agent.threadId) || (agent.path && a.path === agent.path));
    if (existing) {
      existing.threadId ??= agent.threadId;
      existing.nickname ??= agent.nickname;
      existing.role ??= agent.role;
      existing.path ??= agent.path;
      existing.status = agent.status ?? existing.status;
    } else {
      item.agents.push(agent);
    }
  }
}
