/**
 * Tool-call details shared by every generation: how a shell argv reads, which calls are MCP
 * calls, and the patch item built from apply_patch text.
 */
import type { Item } from '../model/session.ts';
import { parseApplyPatch } from './apply-patch.ts';

export function patchItem(b: { id: string; line: number; at: string | null }, callId: string | null, patch: string): Item {
  return { ...b, kind: 'patch', callId, files: parseApplyPatch(patch), patch, output: null, success: null };
}

/** `["bash","-lc","ls"]` reads as `ls`; other argv is joined with shell-style quoting. */
export function commandText(argv: string[]): string {
  if (argv.length === 3 && /(^|\/)(ba|z)?sh$/.test(argv[0] ?? '') && (argv[1] === '-lc' || argv[1] === '-c')) {
    return argv[2]!;
  }
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

export function mcpName(name: string, namespace: string | null): { server: string | null; tool: string } | null {
  if (namespace?.startsWith('mcp__')) {
    return { server: namespace.replace(/^mcp__/, '').replace(/__$/, '') || null, tool: name };
  }
  const m = /^mcp__(.+?)__(.+)$/.exec(name);
  return m ? { server: m[1]!, tool: m[2]! } : null;
}
