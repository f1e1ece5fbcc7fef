import { describe, expect, it } from 'vitest';
import { agentNames, relatedDigest, relatedSessions } from '../../src/lib/lineage.ts';

const s = (id: string, lineage: { parent?: string; forkedFrom?: string; nickname?: string; role?: string }, startedAt = '2026-01-01T00:00:00.000Z') => ({
  id,
  title: `title ${id}`,
  startedAt,
  lineage: { forkedFrom: lineage.forkedFrom ?? null, parent: lineage.parent ?? null, depth: null, nickname: lineage.nickname ?? null, role: lineage.role ?? null, agentPath: null, inheritedTurns: 0 },
});

describe('related sessions', () => {
  it('nests sub-agent trees under their root and lists forks, oldest first', () => {
    const index = relatedSessions([
      s('root', {}),
      s('a', { parent: 'root', nickname: 'Ada', role: 'explorer' }, '2026-01-01T00:00:02.000Z'),
      s('b', { parent: 'root', nickname: 'Bo' }, '2026-01-01T00:00:01.000Z'),
      s('a1', { parent: 'a', nickname: 'Cy' }),
      s('f', { forkedFrom: 'root' }),
    ]);
    const root = index.get('root')!;
    expect(root.subagents.map((r) => r.id)).toEqual(['b', 'a']);
    expect(root.subagents[1]!.children.map((r) => [r.id, r.nickname])).toEqual([['a1', 'Cy']]);
    expect(root.forks.map((r) => r.id)).toEqual(['f']);
    expect(index.get('a')!.subagents.map((r) => r.id)).toEqual(['a1']);
    expect(index.has('b')).toBe(false);
  });

  it('survives a cycle in damaged lineage', () => {
    const index = relatedSessions([s('x', { parent: 'y' }), s('y', { parent: 'x' })]);
    expect(index.get('x')!.subagents.map((r) => r.id)).toEqual(['y']);
    expect(index.get('x')!.subagents[0]!.children).toEqual([]);
  });

  it('changes its digest when a child appears, so the parent page is rebuilt', () => {
    const before = relatedDigest(relatedSessions([s('p', {}), s('c1', { parent: 'p' })]).get('p'));
    const after = relatedDigest(relatedSessions([s('p', {}), s('c1', { parent: 'p' }), s('c2', { parent: 'p' })]).get('p'));
    expect(before).not.toBe(after);
    expect(relatedDigest(undefined)).toBe('');
  });

  it('changes its digest when a child is named otherwise, since the parent shows the name', () => {
    const named = (nickname: string) => relatedDigest(relatedSessions([s('p', {}), s('c1', { parent: 'p', nickname })]).get('p'));
    expect(named('Ada')).not.toBe(named('Bo'));
  });

  it('names the sub-agents of a tree by thread id, nested ones too', () => {
    const index = relatedSessions([s('root', {}), s('a', { parent: 'root', nickname: 'Ada' }), s('a1', { parent: 'a', nickname: 'Cy' }), s('b', { parent: 'root' })]);
    const name = agentNames(index.get('root'));
    expect(['a', 'a1', 'b', 'zz'].map(name)).toEqual(['Ada', 'Cy', null, null]);
    expect(agentNames(undefined)('a')).toBeNull();
  });
});
