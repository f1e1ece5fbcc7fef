/**
 * Refuses output folders that a build would wreck. Astro empties its output folder without
 * looking at it (field notes), and our build swaps whole folders, so before either we check that
 * the folder is not `/`, the home folder, the project root, a source, or anything that contains
 * one or lies inside one. Plain Node, no imports beyond `node:path`, so scripts/build.mjs can use it.
 */
import path from 'node:path';

/** Inputs to `checkOutputFolder`, all absolute paths. */
export interface OutputSafetyInput {
  out: string;
  projectRoot: string;
  home: string;
  sources: readonly string[];
}

function inside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** Returns one sentence per reason the folder is unsafe; empty when it is fine. */
export function checkOutputFolder({ out, projectRoot, home, sources }: OutputSafetyInput): string[] {
  const o = path.resolve(out);
  const problems: string[] = [];
  if (o === path.parse(o).root) problems.push(`${o} is the file-system root.`);
  if (o === path.resolve(home)) problems.push(`${o} is your home folder.`);
  else if (inside(path.resolve(home), o)) problems.push(`${o} contains your home folder.`);
  if (o === path.resolve(projectRoot)) problems.push(`${o} is the project root.`);
  else if (inside(path.resolve(projectRoot), o)) problems.push(`${o} contains the project root.`);
  for (const s of sources) {
    const src = path.resolve(s);
    if (o === src) problems.push(`${o} is a source folder.`);
    else if (inside(src, o)) problems.push(`${o} contains the source folder ${src}.`);
    else if (inside(o, src)) problems.push(`${o} lies inside the source folder ${src}.`);
  }
  return problems;
}
