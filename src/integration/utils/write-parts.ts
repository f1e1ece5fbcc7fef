/**
 * Writes a large file from many small strings. At 20,000 sessions the offline index and the
 * search job are ~70-140 MB each; built as one string (and then one Buffer to write it), each
 * raised the Astro process's peak by a few hundred MB at the very end of the build.
 */
import { open } from 'node:fs/promises';

/** Writes `parts` to `file` (replacing it) in batches of about `batchChars` characters. */
export async function writeParts(file: string, parts: Iterable<string>, batchChars = 1 << 20): Promise<void> {
  const handle = await open(file, 'w');
  try {
    let batch: string[] = [];
    let size = 0;
    for (const part of parts) {
      batch.push(part);
      size += part.length;
      if (size >= batchChars) {
        await handle.write(batch.join(''));
        batch = [];
        size = 0;
      }
    }
    if (batch.length) await handle.write(batch.join(''));
  } finally {
    await handle.close();
  }
}
