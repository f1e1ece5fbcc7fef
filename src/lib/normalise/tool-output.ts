/**
 * Tool outputs are stored as text whose shape changed with every shell tool (format doc §4.4).
 * These functions recover exit code, duration and the plain output from each known shape, and
 * leave unknown shapes as text.
 */
import type { ImageRef } from '../model/session.ts';
import { arr, isObj, num, str } from './values.ts';

export interface ShellOutcome {
  output: string;
  exitCode: number | null;
  durationMs: number | null;
}

/**
 * Flatten a `function_call_output.output`: a string, or (since 2025-10) an array of content
 * items whose text is joined and whose images are kept.
 */
export function flattenToolOutput(output: unknown): { text: string | null; images: ImageRef[] } {
  if (typeof output === 'string') return { text: output, images: [] };
  if (!Array.isArray(output)) {
    // Generation-0 / early Rust sometimes wrote `{content, success}` objects.
    if (isObj(output)) {
      const content = str(output.content);
      if (content !== null) return { text: content, images: [] };
    }
    return { text: output === undefined || output === null ? null : String(output), images: [] };
  }
  const texts: string[] = [];
  const images: ImageRef[] = [];
  for (const part of output) {
    if (!isObj(part)) continue;
    if (typeof part.text === 'string') texts.push(part.text);
    else if (part.type === 'input_image') images.push({ url: str(part.image_url), path: null, label: null });
    else if (part.type === 'encrypted_content') texts.push('[encrypted content]');
  }
  return { text: texts.length ? texts.join('\n') : null, images };
}

/**
 * Recover exit code and duration from a shell tool's output text. Known shapes:
 * - generation 0/1 and early Rust: JSON `{"output": …, "metadata": {"exit_code", "duration_seconds"}}`
 * - `shell_command`: `Exit code: N\nWall time: X seconds\n[Total output lines: N\n]Output:\n…`
 * - unified exec: `Chunk ID: …\nWall time: …\nProcess exited with code N\n[Original token count: N\n]Output:\n…`
 */
export function parseShellOutput(text: string): ShellOutcome {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{') && trimmed.includes('"metadata"')) {
    try {
      const value: unknown = JSON.parse(trimmed);
      if (isObj(value) && 'output' in value && isObj(value.metadata)) {
        const seconds = num(value.metadata.duration_seconds);
        return {
          output: str(value.output) ?? '',
          exitCode: num(value.metadata.exit_code),
          durationMs: seconds === null ? null : Math.round(seconds * 1000),
        };
      }
    } catch {
      // A truncated JSON output: show it as text below.
    }
  }
  return parseHeaderedOutput(text);
}

const HEADER_LINE = /^(Chunk ID|Wall time|Exit code|Process exited with code|Process running with session ID|Original token count|Total output lines)\b/;

function parseHeaderedOutput(text: string): ShellOutcome {
  let exitCode: number | null = null;
  let durationMs: number | null = null;
  // Walk only the header lines: outputs can be megabytes, and splitting them all is wasted work.
  let start = 0;
  for (let n = 0; n < 8 && start <= text.length; n++) {
    const nl = text.indexOf('\n', start);
    const end = nl < 0 ? text.length : nl;
    const line = text.slice(start, end);
    if (line === 'Output:') return { output: nl < 0 ? '' : text.slice(nl + 1), exitCode, durationMs };
    if (!HEADER_LINE.test(line)) break;
    const exit = /^(?:Exit code:|Process exited with code)\s*(-?\d+)/.exec(line);
    if (exit) exitCode = Number(exit[1]);
    const wall = /^Wall time:\s*([\d.]+)\s*seconds?/.exec(line);
    if (wall) durationMs = Math.round(Number(wall[1]) * 1000);
    if (nl < 0) return { output: '', exitCode, durationMs };
    start = nl + 1;
  }
  // No `Output:` line: a header followed by free text (e.g. "Wall time: 2.2 seconds\naborted by user").
  return { output: text.slice(start), exitCode, durationMs };
}

/** Text of an MCP result object `{content: [...], structuredContent?, isError?}`. */
export function mcpResultText(result: unknown): { text: string | null; isError: boolean | null } {
  if (!isObj(result)) return { text: typeof result === 'string' ? result : null, isError: null };
  const parts = arr(result.content)
    .map((p) => (isObj(p) ? (str(p.text) ?? (p.type === 'image' ? '[image]' : null)) : null))
    .filter((t): t is string => t !== null);
  let text = parts.length ? parts.join('\n') : null;
  if (text === null && result.structuredContent !== undefined) {
    try {
      text = JSON.stringify(result.structuredContent, null, 2);
    } catch {
      text = null;
    }
  }
  return { text, isError: typeof result.isError === 'boolean' ? result.isError : null };
}

/**
 * Does this output say that the command never ran because approval was refused? A bare "aborted
 * by user" is what 0.169's interactive UI writes when its approval prompt is answered "no" (the
 * corpus's tui-denied session); it writes the same when a running command is interrupted, which
 * the command's own records then show (exit code -1: `markInterrupted` in builder.ts).
 */
export function isDeclinedOutput(text: string | null): boolean {
  if (!text) return false;
  return /^(approval policy is \w+; reject command|aborted by user(?! after)|exec command rejected by user|command rejected)/i.test(text.trim());
}

/**
 * Does this output say that the user stopped the command while it ran? "aborted by user after
 * 3.2s" (0.100 and 0.130 when a turn is interrupted during a command: the corpus's
 * interrupt-sigint sessions): the command ran, nobody declined it.
 */
export function isInterruptedOutput(text: string | null): boolean {
  return !!text && /^aborted by user after \d/i.test(text.trim());
}
