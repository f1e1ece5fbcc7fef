/**
 * Tolerant accessors for untrusted JSON. Every field of a rollout is optional in practice
 * (format doc, conventions), so the normaliser reads through these instead of trusting shapes.
 */

export type Obj = Record<string, unknown>;

export function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function obj(value: unknown): Obj {
  return isObj(value) ? value : {};
}

export function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** A non-empty string, else null. */
export function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value : null;
}

export function num(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

export function bool(value: unknown): boolean | null {
  return typeof value === 'boolean' ? value : null;
}

export function arr(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** Rust durations are serialised as `{secs, nanos}`. */
export function rustDurationMs(value: unknown): number | null {
  if (!isObj(value)) return num(value);
  const secs = num(value.secs);
  if (secs === null) return null;
  return secs * 1000 + (num(value.nanos) ?? 0) / 1e6;
}

/** Unix seconds or milliseconds to ISO; null for absent or nonsense values. */
export function unixToIso(value: unknown, unit: 's' | 'ms'): string | null {
  const n = num(value);
  if (n === null || n <= 0) return null;
  const d = new Date(unit === 's' ? n * 1000 : n);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** An ISO timestamp string that Date understands, else null. */
const CANONICAL_ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

export function isoTime(value: unknown): string | null {
  const s = str(value);
  if (!s) return null;
  // Codex writes this exact form on every line; re-formatting it would only cost time.
  if (CANONICAL_ISO.test(s)) return s;
  const ms = Date.parse(s);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/**
 * Pretty JSON for display, safe for hostile input: deep nesting makes JSON.stringify throw,
 * so fall back to the text we were given (or a notice) instead of failing the session.
 */
export function prettyJson(value: unknown, fallback: string | null = null): string {
  try {
    const out = JSON.stringify(value, null, 2);
    return out ?? String(value);
  } catch {
    return fallback ?? '[value too deeply nested to display]';
  }
}

/** Parse a JSON string that Codex stores inside a string field (tool arguments); null if not JSON. */
export function parseJsonText(value: string): unknown {
  const t = value.trim();
  if (!(t.startsWith('{') || t.startsWith('['))) return undefined;
  try {
    return JSON.parse(t);
  } catch {
    return undefined;
  }
}

/** Display form of tool arguments: pretty JSON when they are JSON, else the text as is. */
export function displayArguments(value: unknown): string {
  if (typeof value === 'string') {
    const parsed = parseJsonText(value);
    return parsed === undefined ? value : prettyJson(parsed, value);
  }
  if (value === undefined || value === null) return '';
  return prettyJson(value);
}

/** Strip the `file://` scheme Codex uses for paths in newer turn items. */
export function fileUrlToPath(value: string | null): string | null {
  if (!value || !value.startsWith('file://')) return value;
  try {
    return decodeURIComponent(new URL(value).pathname);
  } catch {
    return value.slice('file://'.length);
  }
}
