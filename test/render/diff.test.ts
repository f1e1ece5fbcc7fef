import { describe, expect, test } from 'vitest';
import { diffRows, diffStats } from '../../src/lib/render/diff.ts';

describe('diffRows', () => {
  test('a unified hunk numbers old and new lines', () => {
    expect(diffRows({ op: 'update', diff: '@@ -10,3 +10,3 @@ fn main\n keep\n-old\n+new\n tail\n' })).toEqual([
      { kind: 'hunk', text: '@@ -10,3 +10,3 @@ fn main' },
      { kind: 'ctx', text: 'keep', oldNo: 10, newNo: 10 },
      { kind: 'del', text: 'old', oldNo: 11 },
      { kind: 'add', text: 'new', newNo: 11 },
      { kind: 'ctx', text: 'tail', oldNo: 12, newNo: 12 },
    ]);
  });

  test('apply_patch hunks without numbers stay unnumbered', () => {
    expect(diffRows({ op: 'update', diff: '@@ def f\n-a\n+b' })).toEqual([
      { kind: 'hunk', text: '@@ def f' },
      { kind: 'del', text: 'a' },
      { kind: 'add', text: 'b' },
    ]);
  });

  test('an added file is numbered from 1', () => {
    expect(diffRows({ op: 'add', diff: '+a\n+b\n' })).toEqual([
      { kind: 'add', text: 'a', newNo: 1 },
      { kind: 'add', text: 'b', newNo: 2 },
    ]);
  });

  test('a deleted file is numbered on the old side', () => {
    expect(diffRows({ op: 'delete', diff: '-a\n-b' }).map((r) => r.oldNo)).toEqual([1, 2]);
  });

  test('git headers before the first hunk are dropped; a +++ line inside an added file is content', () => {
    expect(diffRows({ op: 'update', diff: 'diff --git a/x b/x\nindex 1..2\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b' })[0]).toEqual({ kind: 'hunk', text: '@@ -1 +1 @@' });
    expect(diffRows({ op: 'add', diff: '+++ not a header' })).toEqual([{ kind: 'add', text: '++ not a header', newNo: 1 }]);
  });

  test('"\\ No newline at end of file" is a note without numbers', () => {
    const rows = diffRows({ op: 'update', diff: '@@ -1 +1 @@\n-a\n\\ No newline at end of file\n+a' });
    expect(rows[2]).toEqual({ kind: 'ctx', text: '\\ No newline at end of file' });
    expect(rows[3]).toEqual({ kind: 'add', text: 'a', newNo: 1 });
  });

  test('CRLF diffs and empty diffs', () => {
    expect(diffRows({ op: 'add', diff: '+a\r\n+b' }).map((r) => r.text)).toEqual(['a', 'b']);
    expect(diffRows({ op: 'update', diff: '' })).toEqual([]);
  });

  test('diffStats counts added and deleted rows', () => {
    expect(diffStats(diffRows({ op: 'update', diff: '@@ -1,2 +1,2 @@\n-a\n-b\n+c\n x' }))).toEqual({ added: 1, deleted: 2 });
  });
});
