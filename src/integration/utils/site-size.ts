/**
 * How big the built site is, against what GitHub Pages publishes (at most 1 GB per site).
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { DEFAULT_OUTPUT_CHARS } from '../../lib/render/output-trim.ts';

/** GitHub Pages' limit on a published site (https://docs.github.com/pages: "no larger than 1 GB"). */
export const PAGES_LIMIT_BYTES = 1_000_000_000;

/** Bytes of every file under `dir` (what a host stores; folders and links not counted). */
export async function folderBytes(dir: string): Promise<{ bytes: number; files: number }> {
  let bytes = 0;
  let files = 0;
  const walk = async (d: string): Promise<void> => {
    for (const entry of await readdir(d, { withFileTypes: true })) {
      const abs = path.join(d, entry.name);
      if (entry.isDirectory()) await walk(abs);
      else if (entry.isFile()) {
        bytes += (await stat(abs)).size;
        files++;
      }
    }
  };
  await walk(dir);
  return { bytes, files };
}

/**
 * A warning when the site is over GitHub Pages' limit, naming what makes it smaller; null when
 * it fits. `outputChars` is the option in effect.
 */
export function sizeWarning(bytes: number, outputChars: number | 'all'): string | null {
  if (bytes <= PAGES_LIMIT_BYTES) return null;
  const size = `${(bytes / 1e9).toFixed(2)} GB`;
  const smaller =
    outputChars === 'all'
      ? `remove \`outputChars: 'all'\` (pages then publish ${DEFAULT_OUTPUT_CHARS.toLocaleString('en-US')} characters of each tool output)`
      : `lower \`outputChars\` (now ${outputChars})`;
  return `The site is ${size}: over GitHub Pages' 1 GB limit. To publish it there, ${smaller} or leave sessions out with \`exclude\`.`;
}
