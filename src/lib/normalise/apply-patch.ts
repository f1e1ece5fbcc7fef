/**
 * Codex's `apply_patch` tool takes a patch in its own envelope format, not a unified diff:
 *
 *   *** Begin Patch
 *   *** Add File: path        (every line `+…`)
 *   *** Delete File: path
 *   *** Update File: path
 *   *** Move to: new/path     (optional, right after Update File)
 *   @@ optional context       (hunks; lines ` `, `+`, `-`)
 *   *** End Patch
 *
 * We turn it into per-file changes with a unified-diff-like body so pages render one diff view
 * for patches, `patch_apply_end` events and `FileChange` items alike.
 */
import type { z } from 'zod';
import type { PatchFile } from '../model/session.ts';

type File = z.infer<typeof PatchFile>;

const FILE_HEADER = /^\*\*\* (Add|Delete|Update) File: (.+)$/;

/** Parse the patch text; returns an empty list when it is not in the apply_patch format. */
export function parseApplyPatch(patch: string): File[] {
  const files: File[] = [];
  let current: File | null = null;
  const body: string[] = [];
  const flush = () => {
    if (current) {
      current.diff = body.join('\n');
      files.push(current);
    }
    body.length = 0;
  };
  for (const rawLine of patch.split('\n')) {
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    const header = FILE_HEADER.exec(line);
    if (header) {
      flush();
      current = { path: header[2]!.trim(), op: header[1]!.toLowerCase(), movePath: null, diff: '' };
      continue;
    }
    if (line.startsWith('*** Move to: ') && current) {
      current.movePath = line.slice('*** Move to: '.length).trim();
      continue;
    }
    if (line === '*** Begin Patch' || line === '*** End Patch' || line === '*** End of File') continue;
    if (current) body.push(line);
  }
  flush();
  return files;
}

/**
 * Changes as recorded by `patch_apply_end` and `FileChange` items: a map from path to
 * `{type: add|delete|update, content | unified_diff, move_path}`.
 */
export function filesFromChangeMap(changes: unknown): File[] {
  if (typeof changes !== 'object' || changes === null || Array.isArray(changes)) return [];
  const files: File[] = [];
  for (const [path, change] of Object.entries(changes as Record<string, unknown>)) {
    if (typeof change !== 'object' || change === null) continue;
    const c = change as Record<string, unknown>;
    const op = typeof c.type === 'string' ? c.type : 'update';
    let diff = '';
    if (typeof c.unified_diff === 'string') diff = c.unified_diff;
    else if (typeof c.content === 'string') {
      const prefix = op === 'delete' ? '-' : '+';
      diff = c.content
        .replace(/\n$/, '')
        .split('\n')
        .map((l) => prefix + l)
        .join('\n');
    }
    files.push({ path, op, movePath: typeof c.move_path === 'string' ? c.move_path : null, diff });
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
