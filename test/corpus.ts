/**
 * Where the authentic Codex corpus is: `CODEX_ARCHIVE_CORPUS` when set, else `shared/corpus`
 * beside the repository (how CI and developers' machines lay it out). Tests that need it fail
 * with this message rather than a bare ENOENT.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

const candidates = [
  process.env.CODEX_ARCHIVE_CORPUS,
  path.resolve(import.meta.dirname, '../../shared/corpus'),
  '/work/shared/corpus',
].filter((p): p is string => !!p);

const found = candidates.find((p) => existsSync(path.join(p, 'README.md')));
if (!found) {
  throw new Error(
    `The Codex corpus was not found (looked in ${candidates.join(', ')}). Put shared/corpus beside this repository or set CODEX_ARCHIVE_CORPUS to its folder.`,
  );
}

/** Absolute path of the corpus folder (holds one `codex-<version>/` home per Codex release). */
export const CORPUS: string = found;
