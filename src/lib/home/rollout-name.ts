/**
 * What a file name says about a rollout: whether it is one at all (Codex's own rule), its
 * thread id, the rollout id of a revert, and the time stamp. Pure string work.
 */

const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
/** `<thread uuid>` or `<thread uuid>_<rollout uuid>` at the end of the name's stem. */
const IDS = new RegExp(`(?:^|-)(${UUID})(?:_(${UUID}))?$`);
/** `YYYY-MM-DD` (old flat names, UTC date) or `YYYY-MM-DDThh-mm-ss` (local wall-clock time). */
const TIME = /^(\d{4}-\d{2}-\d{2}(?:T\d{2}-\d{2}-\d{2})?)(?=-|$)/;

/** What `parseRolloutName` learns from a name. */
export interface RolloutName {
  format: 'jsonl' | 'json';
  compressed: boolean;
  /** Thread UUID from the name, or null when the name has none. */
  threadId: string | null;
  /** Second UUID of a revert's replacement file (`…-<thread>_<rollout>.jsonl`). */
  rolloutId: string | null;
  /** `YYYY-MM-DDThh-mm-ss` or `YYYY-MM-DD`: a sort key, not an instant (local time, no zone). */
  nameTime: string | null;
}

/**
 * Parse a base name. Null when it is not a rollout by Codex's rule: it must start with
 * `rollout-` and end with `.jsonl` or `.jsonl.zst`, or (TypeScript era, and single-document
 * Rust branches) `.json`. Hidden staging files (`.rollout-….paginated.tmp`) and temporary
 * `rollout-compress-*.tmp` files fail this test by design.
 */
export function parseRolloutName(name: string): RolloutName | null {
  if (!name.startsWith('rollout-')) return null;
  let stem: string;
  let format: 'jsonl' | 'json';
  let compressed = false;
  if (name.endsWith('.jsonl.zst')) {
    stem = name.slice(0, -'.jsonl.zst'.length);
    format = 'jsonl';
    compressed = true;
  } else if (name.endsWith('.jsonl')) {
    stem = name.slice(0, -'.jsonl'.length);
    format = 'jsonl';
  } else if (name.endsWith('.json')) {
    stem = name.slice(0, -'.json'.length);
    format = 'json';
  } else {
    return null;
  }
  stem = stem.slice('rollout-'.length);
  const ids = IDS.exec(stem);
  const time = TIME.exec(stem);
  return {
    format,
    compressed,
    threadId: ids?.[1] ?? null,
    rolloutId: ids?.[2] ?? null,
    nameTime: time?.[1] ?? null,
  };
}
