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
