import { describe, expect, it } from 'vitest';
import { sourceOf } from '../../src/lib/normalise/session-facts.ts';
import { sourceName } from '../../src/lib/render/session-view.ts';

describe('where a session started', () => {
  it('trusts the originator over the default vscode source', () => {
    // As codex-0.169.0's TUI writes it (shared/corpus, session 01a2003c-7691).
    expect(sourceOf('vscode', 'codex-tui')).toBe('cli');
    expect(sourceOf(undefined, 'codex_cli_rs')).toBe('cli');
    expect(sourceOf(null, 'codex_exec')).toBe('exec');
  });

  it('keeps a source that says more than the default', () => {
    expect(sourceOf('vscode', 'codex_vscode')).toBe('vscode');
    expect(sourceOf('exec', 'codex-tui')).toBe('exec');
    expect(sourceOf({ subagent: { thread_spawn: { depth: 1 } } }, 'codex-tui')).toBe('subagent:thread_spawn');
    expect(sourceOf('vscode', 'some_future_client')).toBe('vscode');
    expect(sourceOf(undefined, undefined)).toBeNull();
  });

  it('names sources the same way on session pages and in the search filter', () => {
    expect(sourceName('cli')).toBe('Codex CLI');
    expect(sourceName('vscode')).toBe('IDE extension');
    expect(sourceName('subagent:thread_spawn')).toBe('Sub-agent');
    expect(sourceName('subagent:review')).toBe('Sub-agent');
    expect(sourceName('custom:atlas')).toBe('atlas');
    expect(sourceName('internal:guardian')).toBe('Internal');
    expect(sourceName('something-new')).toBe('something-new');
  });
});
