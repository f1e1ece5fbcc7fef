/**
 * Runs the converted gitleaks rules (see `gitleaks-rules.generated.ts`) on text.
 *
 * Why keyword windows: like gitleaks, a rule only runs where one of its keywords occurs. Unlike
 * gitleaks, whose RE2 engine is linear, JavaScript backtracks, and some patterns took ~0.8 s on
 * a 100,000-character line. So each rule runs only on bounded windows around its keyword hits
 * (merged, and cut into slices of at most MAX_SLICE characters). A match that reaches the end
 * of a slice is carried on over token characters, so a cut never leaves a tail of the secret.
 */
import { extendOverToken, type Finding } from './findings.ts';

/** An allowlist as converted: a finding is dropped when any regex or stopword matches. */
export interface GitleaksAllowlist {
  condition: string;
  /** What the regexes test: the secret (default), the whole match, or the line. */
  regexTarget: string;
  regexes: string[];
  stopwords: string[];
}

/** One converted rule. `source` is a JavaScript regex source for flags `dg`. */
export interface GitleaksRule {
  id: string;
  source: string;
  /** Flags besides `dg` (`i` for a wholly case-insensitive rule). */
  flags: string;
  keywords: string[];
  /** Capture group holding the secret; 0 = first non-empty group, else the whole match. */
  secretGroup: number;
  /** Minimum Shannon entropy of the secret (0 = no check). */
  entropy: number;
  allowlists: GitleaksAllowlist[];
  /** Gitleaks applies this rule to some file paths only; we apply it everywhere. */
  pathScoped: boolean;
}

/** How far before a keyword a match may start (gitleaks' generic prefixes are ≤ 50 + key). */
const BEFORE = 200;
/** How far after a keyword a match may end. */
const AFTER = 1200;
/** Longest stretch one regex sees at once: bounds the cost of backtracking. */
const MAX_SLICE = 8192;

interface CompiledAllowlist {
  target: string;
  regexes: RegExp[];
  stopwords: string[];
}
interface CompiledRule {
  id: string;
  re: RegExp;
  /** For rules that start with a lazy `[\w.-]{0,N}?` prefix: that N, and `re` is the rest. */
  prefixMax: number;
  /** Provider rules name a placeholder before ours (4); generic and path-scoped ones after (2.5). */
  priority: number;
  secretGroup: number;
  entropy: number;
  allowlists: CompiledAllowlist[];
}

/**
 * Many gitleaks rules start with a lazy `[\w.-]{0,50}?` that only takes the key's prefix into
 * the match. Tried at every position, it costs up to 50 attempts of the rest per character
 * (2 s on a 1 MB line of keywords). We run the rest alone and put the prefix back: with the rest
 * first matching at q (leftmost), the full pattern's leftmost match starts at the first of the
 * up to N word characters before q, no earlier than where the search began: the same match.
 */
const LAZY_PREFIX = /^\[\\w\.\\-\]\{0,(\d+)\}\?(?![?*+{])/;
const PREFIX_CHAR = /[\w.-]/;
const QUOTE = /["'`]/;

/** Shannon entropy in bits per character, as gitleaks computes it. */
export function shannonEntropy(s: string): number {
  if (!s) return 0;
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let h = 0;
  const n = [...s].length;
  for (const k of counts.values()) {
    const p = k / n;
    h -= p * Math.log2(p);
  }
  return h;
}

const compileAllowlist = (a: GitleaksAllowlist): CompiledAllowlist => ({
  target: a.regexTarget,
  regexes: a.regexes.map((r) => (r.startsWith('(?i)') ? new RegExp(r.slice(4), 'i') : new RegExp(r))),
  stopwords: a.stopwords,
});

/** Lowercases so that offsets stay the same (String#toLowerCase can change lengths). */
export function asciiLower(s: string): string {
  // Fast path: when lowercasing keeps the length, no character changed length (lowercase is
  // never shorter), so offsets hold. `İ` → `i̇` is the kind of case that takes the slow path.
  const lower = s.toLowerCase();
  return lower.length === s.length ? lower : s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

const escapeRe = (s: string) => s.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');

/** A regex source matching any of `words`, factored by common prefixes. */
export function trieRegex(words: string[]): string {
  interface Node { end: boolean; next: Map<string, Node> }
  const root: Node = { end: false, next: new Map() };
  for (const w of words) {
    let n = root;
    for (const c of w) {
      let child = n.next.get(c);
      if (!child) n.next.set(c, (child = { end: false, next: new Map() }));
      n = child;
    }
    n.end = true;
  }
  const emit = (n: Node): string => {
    const alts = [...n.next].map(([c, child]) => escapeRe(c) + emit(child));
    if (alts.length === 0) return '';
    const body = alts.length === 1 ? alts[0]! : `(?:${alts.join('|')})`;
    // A keyword may end here: the rest is optional. Shorter matches are fine, we only need the start.
    return n.end ? `(?:${body})?` : body;
  };
  return emit(root);
}

/** A compiled gitleaks scanner. */
export interface GitleaksScanner {
  /** Finds secrets in `text`; `only` limits the run to one rule id (benchmarks, tests). */
  scan(text: string, only?: string): Finding[];
  readonly ruleIds: readonly string[];
}

export function createGitleaksScanner(rules: readonly GitleaksRule[], global: GitleaksAllowlist): GitleaksScanner {
  const compiled: CompiledRule[] = rules.map((r) => {
    const prefix = LAZY_PREFIX.exec(r.source);
    return {
      id: r.id,
      re: new RegExp(prefix ? r.source.slice(prefix[0].length) : r.source, 'dg' + r.flags),
      prefixMax: prefix ? Number(prefix[1]) : -1,
      priority: r.id.startsWith('generic') || r.pathScoped ? 2.5 : 4,
    secretGroup: r.secretGroup,
    entropy: r.entropy,
      allowlists: r.allowlists.map(compileAllowlist),
    };
  });
  const globalList = compileAllowlist(global);
  // keyword -> rule indexes; first character -> keywords (to test every keyword at a hit).
  const byKeyword = new Map<string, number[]>();
  const keywordless: number[] = [];
  rules.forEach((r, idx) => {
    if (r.keywords.length === 0) keywordless.push(idx);
    for (const k of r.keywords) {
      const list = byKeyword.get(k) ?? [];
      list.push(idx);
      byKeyword.set(k, list);
    }
  });
  const byFirst = new Map<string, string[]>();
  for (const k of byKeyword.keys()) {
    const list = byFirst.get(k[0]!) ?? [];
    list.push(k);
    byFirst.set(k[0]!, list);
  }
  // Finds the positions where some keyword starts; every keyword is then tested there. The
  // alternation is factored into a trie (`a(?:ccess|pi|uth)|…`): irregexp tries alternatives one
  // by one, so sharing prefixes made this scan several times faster.
  const anyKeyword = new RegExp(trieRegex([...byKeyword.keys()]), 'g');

  const allowed = (list: CompiledAllowlist, secret: string, match: string, line: () => string): boolean => {
    const lowerSecret = secret.toLowerCase();
    if (list.stopwords.some((w) => lowerSecret.includes(w))) return true;
    const target = list.target === 'match' ? match : list.target === 'line' ? line() : secret;
    return list.regexes.some((re) => re.test(target));
  };

  function runRule(rule: CompiledRule, text: string, windows: [number, number][], out: Finding[]) {
    for (const [ws, we] of windows) {
      const slice = text.slice(ws, we);
      const re = rule.re;
      re.lastIndex = 0;
      let m: RegExpExecArray | null;
      let searchFrom = 0;
      while ((m = re.exec(slice)) !== null) {
        if (m[0].length === 0) {
          re.lastIndex++;
          continue;
        }
        let matchText = m[0];
        let matchIndex = m.index;
        if (rule.prefixMax >= 0) {
          let p = m.index;
          while (p > searchFrom && m.index - p < rule.prefixMax && PREFIX_CHAR.test(slice[p - 1]!)) p--;
          matchText = slice.slice(p, m.index) + m[0];
          matchIndex = p;
        }
        searchFrom = re.lastIndex;
        const indices = m.indices!;
        let span: [number, number] | undefined;
        if (rule.secretGroup > 0) span = indices[rule.secretGroup];
        else for (let g = 1; g < m.length && !span; g++) if (m[g]) span = indices[g];
        span ??= indices[0]!;
        const secret = slice.slice(span[0], span[1]);
        if (rule.entropy > 0 && shannonEntropy(secret) <= rule.entropy) continue;
        const matchStart = ws + matchIndex;
        const line = () => {
          const s = text.lastIndexOf('\n', matchStart) + 1;
          const e = text.indexOf('\n', matchStart);
          return text.slice(s, e < 0 ? text.length : e);
        };
        if (allowed(globalList, secret, matchText, line)) continue;
        if (rule.allowlists.some((a) => allowed(a, secret, matchText, line))) continue;
        let start = ws + span[0];
        let end = ws + span[1];
        // Some groups include the value's quotes (hashicorp-tf-password): keep quotes, so JSON
        // and code stay well-formed.
        while (end - start > 2 && QUOTE.test(text[start]!)) start++;
        while (end - start > 2 && QUOTE.test(text[end - 1]!)) end--;
        if (end === we && we < text.length) end = extendOverToken(text, end);
        out.push({ start, end, rule: rule.id, priority: rule.priority });
      }
    }
  }

  /** Merges [start, end) windows and cuts them into overlapping slices of at most MAX_SLICE. */
  function mergeWindows(ws: [number, number][], n: number): [number, number][] {
    ws.sort((a, b) => a[0] - b[0]);
    const merged: [number, number][] = [];
    for (const w of ws) {
      const last = merged[merged.length - 1];
      if (last && w[0] <= last[1]) last[1] = Math.max(last[1], w[1]);
      else merged.push([w[0], w[1]]);
    }
    const out: [number, number][] = [];
    for (const [s, e] of merged) {
      if (e - s <= MAX_SLICE) out.push([s, e]);
      else for (let p = s; p < e; p += MAX_SLICE - BEFORE - AFTER) {
        out.push([p, Math.min(e, p + MAX_SLICE)]);
        if (p + MAX_SLICE >= e) break;
      }
    }
    return out.map(([s, e]) => [Math.max(0, s), Math.min(n, e)]);
  }

  // One rule alone (benchmarks, the per-rule time test) looks for its own keywords only.
  const ownKeywords = new Map<string, RegExp>();
  const keywordRegexFor = (only: string | undefined): RegExp => {
    if (!only) return anyKeyword;
    let re = ownKeywords.get(only);
    if (!re) {
      const rule = rules.find((r) => r.id === only);
      re = new RegExp(rule && rule.keywords.length ? trieRegex(rule.keywords) : '(?!)', 'g');
      ownKeywords.set(only, re);
    }
    return re;
  };

  function scan(text: string, only?: string): Finding[] {
    const out: Finding[] = [];
    const n = text.length;
    const windows = new Map<number, [number, number][]>();
    const lower = asciiLower(text);
    const keywordRe = keywordRegexFor(only);
    keywordRe.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = keywordRe.exec(lower)) !== null) {
      const p = m.index;
      for (const k of byFirst.get(lower[p]!) ?? []) {
        if (!lower.startsWith(k, p)) continue;
        for (const idx of byKeyword.get(k)!) {
          if (only && compiled[idx]!.id !== only) continue;
          const list = windows.get(idx) ?? [];
          const last = list[list.length - 1];
          const w: [number, number] = [p - BEFORE, p + k.length + AFTER];
          // Hits arrive in order: grow the last window instead of storing thousands.
          if (last && w[0] <= last[1]) last[1] = w[1];
          else list.push(w);
          windows.set(idx, list);
        }
      }
      keywordRe.lastIndex = p + 1;
    }
    for (const idx of keywordless) if (!only || compiled[idx]!.id === only) windows.set(idx, [[0, n]]);
    for (const [idx, ws] of windows) {
      const rule = compiled[idx]!;
      if (only && rule.id !== only) continue;
      runRule(rule, text, mergeWindows(ws, n), out);
    }
    return out;
  }

  return { scan, ruleIds: compiled.map((r) => r.id) };
}
