/**
 * Lineage seen from the other side: a session file names its parent or fork source, never its
 * children, so a parent's page learns of its sub-agents and forks only from the whole archive.
 * Built once from the summaries; pages look their own entry up.
 */
import type { SessionSummary } from './model/session.ts';

/** A session related to another, with what a reader needs to recognise it. */
export interface RelatedSession {
  id: string;
  title: string;
  nickname: string | null;
  role: string | null;
  agentPath: string | null;
  /** This sub-agent's own sub-agents (agent trees nest). */
  children: RelatedSession[];
}

export interface Related {
  /** Sessions forked from this one. */
  forks: RelatedSession[];
  /** Sub-agents this session spawned, each with its own sub-agents nested. */
  subagents: RelatedSession[];
}

type Lineage = Pick<SessionSummary, 'id' | 'title' | 'lineage' | 'startedAt'>;

/** Deepest agent tree shown; deeper levels (or a cycle in damaged data) are cut. */
const MAX_DEPTH = 8;

/** Index every session's forks and sub-agent tree by its id. */
export function relatedSessions(summaries: readonly Lineage[]): Map<string, Related> {
  const forksOf = new Map<string, Lineage[]>();
  const childrenOf = new Map<string, Lineage[]>();
  const byStart = (a: Lineage, b: Lineage) => (a.startedAt ?? '').localeCompare(b.startedAt ?? '') || a.id.localeCompare(b.id);
  for (const s of summaries) {
    const { parent, forkedFrom } = s.lineage ?? {};
    if (parent && parent !== s.id) push(childrenOf, parent, s);
    if (forkedFrom && forkedFrom !== s.id) push(forksOf, forkedFrom, s);
  }
  for (const list of [...forksOf.values(), ...childrenOf.values()]) list.sort(byStart);

  const tree = (id: string, depth: number, seen: Set<string>): RelatedSession[] =>
    (childrenOf.get(id) ?? [])
      .filter((c) => !seen.has(c.id))
      .map((c) => ({
        ...describe(c),
        children: depth < MAX_DEPTH ? tree(c.id, depth + 1, new Set([...seen, c.id])) : [],
      }));

  const out = new Map<string, Related>();
  const ids = new Set([...forksOf.keys(), ...childrenOf.keys()]);
  for (const id of ids) {
    out.set(id, {
      forks: (forksOf.get(id) ?? []).map((f) => ({ ...describe(f), children: [] })),
      subagents: tree(id, 1, new Set([id])),
    });
  }
  return out;
}

function describe(s: Lineage): Omit<RelatedSession, 'children'> {
  return { id: s.id, title: s.title, nickname: s.lineage?.nickname ?? null, role: s.lineage?.role ?? null, agentPath: s.lineage?.agentPath ?? null };
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** A sub-agent's nickname by thread id, from a session's agent tree (its own file names it). */
export function agentNames(related: Related | null | undefined): (threadId: string) => string | null {
  const names = new Map<string, string>();
  const walk = (list: RelatedSession[]) => {
    for (const r of list) {
      if (r.nickname) names.set(r.id, r.nickname);
      walk(r.children);
    }
  };
  walk(related?.subagents ?? []);
  return (threadId) => names.get(threadId) ?? null;
}

/** A stable digest of a session's related entries, for page cache keys: a new child re-renders the parent. */
export function relatedDigest(related: Related | null | undefined): string {
  if (!related) return '';
  // Everything the page shows of them: titles in its header, nicknames and roles there and on its
  // sub-agent cards.
  const walk = (list: RelatedSession[]): string =>
    list.map((r) => JSON.stringify([r.id, r.title, r.nickname, r.role, r.agentPath]) + `(${walk(r.children)})`).join(',');
  return `f[${walk(related.forks)}]s[${walk(related.subagents)}]`;
}
