/**
 * A patch file's unified diff as display rows with old/new line numbers. Hunk headers without
 * numbers (the `apply_patch` form, `@@` or `@@ def name`) start a hunk whose lines are unnumbered.
 */

/** One displayed line of a diff. */
export interface DiffRow {
  kind: 'add' | 'del' | 'ctx' | 'hunk';
  /** The line without its `+`/`-`/space prefix (the whole header for `hunk`). */
  text: string;
  oldNo?: number;
  newNo?: number;
}

/** The part of a PatchFile this module reads. */
export interface DiffSource {
  /** `add`, `delete`, `update`, or another op (treated as `update`). */
  op: string;
  diff: string;
}

const HUNK_RE = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/;
const FILE_HEADER_RE = /^(diff --git |index |--- |\+\+\+ |new file mode |deleted file mode |similarity index |rename (from|to) )/;

/** Rows for one file. Add and delete diffs are numbered from 1 on their only side. */
export function diffRows(file: DiffSource): DiffRow[] {
  const lines = file.diff.replace(/\r\n/g, '\n').replace(/\n$/, '').split('\n');
  if (file.diff === '') return [];
  const rows: DiffRow[] = [];
  const numbered = file.op === 'add' || file.op === 'delete';
  let oldNo: number | null = numbered ? 1 : null;
  let newNo: number | null = numbered ? 1 : null;
  let inHunk = numbered;

  for (const line of lines) {
    if (line.startsWith('@@')) {
      const m = HUNK_RE.exec(line);
      oldNo = m ? Number(m[1]) : null;
      newNo = m ? Number(m[2]) : null;
      inHunk = true;
      rows.push({ kind: 'hunk', text: line });
      continue;
    }
    // Git-style headers before the first hunk say nothing the file label does not.
    if (!inHunk && FILE_HEADER_RE.test(line)) continue;
    const prefix = line[0];
    const text = line.slice(1);
    if (prefix === '+') {
      rows.push({ kind: 'add', text, ...(newNo !== null ? { newNo: newNo++ } : {}) });
    } else if (prefix === '-') {
      rows.push({ kind: 'del', text, ...(oldNo !== null ? { oldNo: oldNo++ } : {}) });
    } else if (prefix === '\\') {
      // "\ No newline at end of file": a note about the line above, not a line.
      rows.push({ kind: 'ctx', text: line });
    } else {
      rows.push({
        kind: 'ctx',
        text: prefix === ' ' ? text : line,
        ...(oldNo !== null ? { oldNo: oldNo++ } : {}),
        ...(newNo !== null ? { newNo: newNo++ } : {}),
      });
    }
  }
  return rows;
}

/** Added and deleted line counts, for the file summary (`+12 −3`). */
export function diffStats(rows: DiffRow[]): { added: number; deleted: number } {
  let added = 0;
  let deleted = 0;
  for (const row of rows) {
    if (row.kind === 'add') added += 1;
    else if (row.kind === 'del') deleted += 1;
  }
  return { added, deleted };
}
