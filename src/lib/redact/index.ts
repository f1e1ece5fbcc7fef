/**
 * Secret redaction for everything we publish. On by default; pure TypeScript, no Astro.
 *
 * Three layers find secrets (field notes: no single one is enough): the rules of secretlint's
 * recommended preset, the gitleaks default rules converted to JavaScript, and our own rules
 * (assignments, URL passwords, auth headers, cookies, private keys, cut tokens, e-mail, home
 * folder, user name). Every finding becomes `[REDACTED:<rule-id>]` (the home folder becomes `~`).
 * See docs/redaction.md.
 */
import { homedir, userInfo } from 'node:os';
import { defangDirectives } from './directives.ts';
import { applyFindings, placeholder, PLACEHOLDER_RE, type Finding } from './findings.ts';
import { createGitleaksScanner, trieRegex, type GitleaksScanner } from './gitleaks.ts';
import { findAsSeen, hasHidden } from './hidden.ts';
import { GITLEAKS_GLOBAL_ALLOWLIST, GITLEAKS_RULES } from './gitleaks-rules.generated.ts';
import {
  COMMAND_WORDS,
  findAssignments,
  findCommandPasswords,
  findCutTokens,
  findEmails,
  findHeaders,
  findHomePath,
  findPrivateKeys,
  findUrlPasswords,
  findUserName,
  isSecretKey,
  isTrivialValue,
  SECRET_KEY_HINT,
  TOKEN_PREFIXES,
  userNameRegex,
} from './own-rules.ts';
import { createSecretlintScanner, type SecretlintScanner } from './secretlint.ts';

export { placeholder, PLACEHOLDER_RE } from './findings.ts';
export type { Finding } from './findings.ts';

/** What to redact. Every field is optional in `createRedactor`. */
export interface RedactionOptions {
  /** Redact at all. Default true; turning it off is the integration's loud `redact: false`. */
  enabled: boolean;
  /** Home folder to show as `~`. Default: this machine's (`os.homedir()`); null: none. */
  homeDir?: string | null;
  /** User name to hide as a whole word. Default: this machine's, unless generic (root, user, …) or under 3 characters; null: none. */
  userName?: string | null;
  /** E-mail addresses kept as they are: exact addresses, or `@domain` for a whole domain. */
  emailAllowlist?: string[];
}

/** A configured redactor. Counts what it hid, never what the values were. */
export interface Redactor {
  /** Hides every secret in `text`. Idempotent: `redact(redact(x)) === redact(x)`. */
  redact(text: string): string;
  /** Rule id → number of replacements since creation or the last `resetHits()`. */
  readonly hits: ReadonlyMap<string, number>;
  resetHits(): void;
  /**
   * Redacts a field value knowing its key: when the key names a secret (`password`, `apiKey`,
   * …) the whole value is hidden, even a value no pattern would recognise. Used by `redactDeep`.
   */
  redactField?(key: string, value: string): string;
}

/** User names too common to hide everywhere as a word (they are also ordinary words). */
const GENERIC_USERS = new Set(['root', 'user', 'users', 'admin', 'node', 'runner', 'ubuntu', 'debian', 'codex', 'vscode', 'dev', 'developer', 'app', 'test', 'guest', 'www', 'nobody', 'build', 'ci']);

/** Where a finding came from: every layer the redactor and the verifier run. */
export interface Detectors {
  /** Findings on `text`, placeholders and directives already neutralised by the caller. */
  find(text: string): Finding[];
  /** All rule ids, by layer (for docs, benchmarks and tests). */
  readonly ruleIds: { secretlint: readonly string[]; gitleaks: readonly string[]; own: readonly string[] };
  /** Runs one rule alone (benchmarks, tests). */
  findWithRule(text: string, rule: string): Finding[];
  /** Whether the configured user name occurs in `text` as a word. */
  hasUserName(text: string): boolean;
  /** Home-folder and user-name findings only (for short strings that cannot hold a secret). */
  findPrivacy(text: string): Finding[];
}

let shared: { secretlint: SecretlintScanner; gitleaks: GitleaksScanner } | undefined;
function scanners() {
  // Compiling 212 gitleaks regexes and the preset once per process is enough.
  shared ??= { secretlint: createSecretlintScanner(), gitleaks: createGitleaksScanner(GITLEAKS_RULES, GITLEAKS_GLOBAL_ALLOWLIST) };
  return shared;
}

const OWN_RULES = ['assignment', 'url-password', 'command-password', 'aws-secret-key', 'auth-header', 'cookie', 'private-key', 'cut-token', 'prefixed-token', 'email', 'home-path', 'user-name'] as const;

/** Builds the detectors for the given options (shared by the redactor and the verifier). */
export function createDetectors(options: Partial<RedactionOptions> = {}): Detectors {
  const { secretlint, gitleaks } = scanners();
  const home = homeOf(options);
  let user = options.userName === undefined ? safe(() => userInfo().username) : options.userName;
  if (options.userName === undefined && user && (GENERIC_USERS.has(user.toLowerCase()) || user.length < 3)) user = null;
  if (user && user.length < 2) user = null;
  const userRe = user ? userNameRegex(user) : null;
  const allow = options.emailAllowlist ?? [];
  const own: Record<(typeof OWN_RULES)[number], (t: string) => Finding[]> = {
    assignment: findAssignments,
    'url-password': (t) => findUrlPasswords(t),
    'command-password': (t) => findCommandPasswords(t).filter((f) => f.rule === 'command-password'),
    'aws-secret-key': (t) => findCommandPasswords(t).filter((f) => f.rule === 'aws-secret-key'),
    'auth-header': (t) => findHeaders(t).filter((f) => f.rule === 'auth-header'),
    cookie: (t) => findHeaders(t).filter((f) => f.rule === 'cookie'),
    'private-key': findPrivateKeys,
    'cut-token': (t) => findCutTokens(t).filter((f) => f.rule === 'cut-token'),
    'prefixed-token': (t) => findCutTokens(t).filter((f) => f.rule === 'prefixed-token'),
    email: (t) => findEmails(t, allow),
    'home-path': (t) => (home && home !== '/' ? findHomePath(t, home) : []),
    'user-name': (t) => (userRe ? findUserName(t, userRe) : []),
  };
  const findAll = (text: string): Finding[] => {
    const homes = own['home-path'](text);
    // The user name inside the home folder is already covered by `~`.
    const users = own['user-name'](text).filter((u) => !homes.some((h) => u.start < h.end && h.start < u.end));
    return [
      ...secretlint.scan(text),
      ...gitleaks.scan(text),
      ...findAssignments(text),
      ...findUrlPasswords(text),
      ...findCommandPasswords(text),
      ...findHeaders(text),
      ...findPrivateKeys(text),
      ...findCutTokens(text),
      ...own.email(text),
      ...homes,
      ...users,
    ];
  };
  return {
    find: findAll,
    ruleIds: { secretlint: secretlint.ruleIds, gitleaks: gitleaks.ruleIds, own: OWN_RULES },
    findPrivacy(text) {
      const homes = own['home-path'](text);
      return [...homes, ...own['user-name'](text).filter((u) => !homes.some((h) => u.start < h.end && h.start < u.end))];
    },
    hasUserName: (text) => {
      if (!userRe) return false;
      userRe.lastIndex = 0;
      return userRe.test(text);
    },
    findWithRule(text, rule) {
      if (secretlint.ruleIds.includes(rule)) return secretlint.scan(text, rule);
      if (gitleaks.ruleIds.includes(rule)) return gitleaks.scan(text, rule);
      const f = own[rule as (typeof OWN_RULES)[number]];
      if (!f) throw new Error(`Unknown redaction rule ${rule}`);
      return f(text);
    },
  };
}

/**
 * The home folder to show as `~`. The default is this machine's, unless it names no one: `/root`
 * (a container's build) says nothing about the user, and Codex's multi-agent paths start with
 * `/root` too (`/root/repo_check`), which `~` would have rewritten.
 */
function homeOf(options: Partial<RedactionOptions>): string | null {
  if (options.homeDir !== undefined) return options.homeDir;
  const home = safe(() => homedir());
  const last = home?.split(/[\\/]/).filter(Boolean).at(-1) ?? '';
  return home && GENERIC_USERS.has(last.toLowerCase()) ? null : home;
}

function safe<T>(f: () => T): T | null {
  try {
    return f();
  } catch {
    return null;
  }
}

/** Ranges of placeholders already in `text`. */
export function placeholderRanges(text: string): [number, number][] {
  const out: [number, number][] = [];
  PLACEHOLDER_RE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = PLACEHOLDER_RE.exec(text)) !== null) out.push([m.index, m.index + m[0].length]);
  return out;
}

/**
 * The text the detectors see: directives defanged, placeholders blanked to NUL characters
 * (same length), so a placeholder never matches a rule and offsets stay those of `text`.
 * JSON escapes `\n`, `\r`, `\t` (JSON in a JSON string: tool arguments, MCP results) read as
 * two spaces: in `…\nAKIA…` the `n` glued to the token hid it from every rule that wants a word
 * boundary before it (the hostile-home build found AWS, Stripe, Google, Anthropic and npm keys
 * published that way).
 */
export function scanCopy(text: string, ranges: [number, number][]): string {
  let t = defangDirectives(text);
  if (t.includes('\\')) t = t.replace(/\\[nrt]/g, '  ');
  if (ranges.length) {
    let out = '';
    let pos = 0;
    for (const [s, e] of ranges) {
      out += t.slice(pos, s) + '\u0000'.repeat(e - s);
      pos = e;
    }
    t = out + t.slice(pos);
  }
  return t;
}

/** Removes the parts of findings that fall on placeholders (a placeholder is never rewritten). */
export function clipToGaps(findings: Finding[], ranges: [number, number][]): Finding[] {
  if (ranges.length === 0) return findings;
  const out: Finding[] = [];
  for (const f of findings) {
    let s = f.start;
    for (const [rs, re] of ranges) {
      if (re <= s) continue;
      if (rs >= f.end) break;
      if (rs > s) out.push({ ...f, start: s, end: rs });
      s = Math.max(s, re);
    }
    if (s < f.end) out.push({ ...f, start: s });
  }
  return out;
}

/**
 * Short strings (ids, timestamps, tool names) are most of a session's strings, and running every
 * layer on each cost ~15 µs. A short string can only hold a secret if it has a token-like run of
 * 16+ characters, a keyword of some rule (every gitleaks rule has keywords; every secretlint rule
 * in the preset needs a long token or `://`), or `@`, `://`, `-----`. Anything else is returned
 * as it is, after the home-folder and user-name checks.
 */
const SHORT = 256;
let maybeSecret: RegExp | undefined;
function mayHoldSecret(text: string): boolean {
  maybeSecret ??= new RegExp(
    [
      // Without `/`: paths are common and no rule finds a slashed token without a keyword.
      '[A-Za-z0-9+=_~-]{16,}',
      '@',
      ':\\/\\/',
      '-----',
      SECRET_KEY_HINT.source,
      'bearer|basic|cookie|authorization',
      COMMAND_WORDS.source,
      trieRegex([...new Set([...GITLEAKS_RULES.flatMap((r) => r.keywords), ...TOKEN_PREFIXES.map((p) => p.toLowerCase())])]),
    ].join('|'),
    'i',
  );
  return maybeSecret.test(text);
}

/** Creates a redactor. Async so that a future layer may load data; today it resolves at once. */
export async function createRedactor(options: Partial<RedactionOptions> = {}): Promise<Redactor> {
  return createRedactorSync(options);
}

/** The same as `createRedactor`, for callers that cannot wait (scripts, tests). */
export function createRedactorSync(options: Partial<RedactionOptions> = {}): Redactor {
  const hits = new Map<string, number>();
  if (options.enabled === false) {
    return { redact: (t) => t, hits, resetHits: () => hits.clear(), redactField: (_k, v) => v };
  }
  const detectors = createDetectors(options);
  const count = (rules: string[]) => {
    for (const r of rules) hits.set(r, (hits.get(r) ?? 0) + 1);
  };
  const pass = (text: string) => {
    const ranges = placeholderRanges(text);
    const findings = clipToGaps(findAsSeen(detectors.find, scanCopy(text, ranges)), ranges);
    return applyFindings(text, findings);
  };
  const home = homeOf(options);
  const redact = (text: string): string => {
    if (typeof text !== 'string' || text.length < 3) return text;
    // Hidden characters can split a token into runs too short for the test: read those whole.
    if (text.length < SHORT && !mayHoldSecret(text) && !hasHidden(text)) {
      if (!(home && text.includes(home)) && !detectors.hasUserName(text)) return text;
      // Only the home folder or the user name can be here: run just those two rules.
      const { text: out, rules } = applyFindings(text, detectors.findPrivacy(text));
      count(rules);
      return out;
    }
    let cur = text;
    // Run to a fixed point: a rewrite can only expose what the first pass hid behind context
    // (rare), and stopping when nothing changes is what makes redact idempotent.
    for (let i = 0; i < 4; i++) {
      const { text: next, rules } = pass(cur);
      if (rules.length === 0) break;
      count(rules);
      cur = next;
    }
    return cur;
  };
  return {
    redact,
    hits,
    resetHits: () => hits.clear(),
    redactField(key, value) {
      if (isSecretKey(key) && !isTrivialValue(value) && !PLACEHOLDER_RE.test(value)) {
        count(['assignment']);
        return placeholder('assignment');
      }
      return redact(value);
    },
  };
}

const isPlainContainer = (v: unknown): v is Record<string, unknown> | unknown[] => {
  if (Array.isArray(v)) return true;
  if (v === null || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};

/**
 * A redacted copy of a plain value (a Session, a record): every string of every plain object
 * and array, at any depth. Iterative, so 100,000 levels of nesting are fine; keys are copied as
 * own data properties (a `__proto__` key stays a key and never changes a prototype); shared
 * and cyclic references are copied once. Other objects (Date, Map, class instances) are kept
 * as they are. The input is never changed.
 */
export function redactDeep<T>(value: T, redactor: Redactor): T {
  if (typeof value === 'string') return redactor.redact(value) as T;
  if (!isPlainContainer(value)) return value;
  const copies = new Map<object, unknown>();
  const stack: [Record<string, unknown> | unknown[], Record<string, unknown> | unknown[]][] = [];
  const shell = (v: Record<string, unknown> | unknown[]) => {
    const c = Array.isArray(v) ? new Array(v.length) : (Object.getPrototypeOf(v) === null ? Object.create(null) : {});
    copies.set(v, c);
    stack.push([v, c]);
    return c;
  };
  const convert = (v: unknown, key: string | null): unknown => {
    if (typeof v === 'string') return key !== null && redactor.redactField ? redactor.redactField(key, v) : redactor.redact(v);
    if (isPlainContainer(v)) return copies.get(v) ?? shell(v);
    return v;
  };
  const root = shell(value);
  while (stack.length) {
    const [src, dst] = stack.pop()!;
    if (Array.isArray(src)) {
      for (let i = 0; i < src.length; i++) (dst as unknown[])[i] = convert(src[i], null);
    } else {
      for (const k of Object.keys(src)) {
        Object.defineProperty(dst, k, { value: convert(src[k], k), enumerable: true, writable: true, configurable: true });
      }
    }
  }
  return root as T;
}
