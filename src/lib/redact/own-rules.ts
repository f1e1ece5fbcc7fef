/**
 * Our own detectors, for what the two libraries miss (field notes: `.env` values, URL
 * passwords, auth headers, cut tokens). Each returns findings on the scanned text; none
 * decides what the text becomes.
 */
import { TOKEN_CHAR, type Finding } from './findings.ts';

const SECRET = 3;

// ---------------------------------------------------------------------------------------------
// KEY=value assignments

/** Words in a key name that mark its value as secret. */
export const SECRET_KEY_HINT = /token|secret|passw(?:or)?d|pwd|credential|api[_.-]?key|apikey|access[_.-]?key|account[_.-]?key|private[_.-]?key|auth|cookie|session[_.-]?key|client[_.-]?secret/gi;

/** Keys that are file names. */
const FILE_NAME = /\.(?:css|scss|js|mjs|cjs|ts|tsx|jsx|json|md|mdx|html?|ya?ml|toml|py|rs|go|rb|java|kt|swift|c|h|cpp|sh|txt|lock|astro|vue|svelte)$/i;

/** The same, for a single test (a global regex keeps state between calls). */
const SECRET_KEY_TEST = new RegExp(SECRET_KEY_HINT.source, 'i');

/** Key words that make the value not a secret (a count, a name, a place, a kind). */
const NOT_SECRET_KEY = /(?:^|[_.-])(?:tokens|count|counts|max|min|limit|length|len|size|type|types|usage|used|id|ids|file|path|dir|url|uri|endpoint|name|names|expires?|expiry|ttl|field|header|prompt|budget|estimate|total|input|output|cached|reasoning|required|enabled|method|mode|provider|policy|env[_-]?var|var|hint|format|style)$|^(?:author|authors|authored|authority|authorize|authorized|oauth[_-]?url|tokenizer|tokenize)/i;

/** Values that are not secrets: references, placeholders, types, literals. */
const TRIVIAL_VALUE = /^(?:|null|nil|none|true|false|undefined|string|str|number|int|integer|bool|boolean|bytes|any|unknown|object|optional|required|redacted|changeme|\*+|x+|\.+|-+|<[^>]*>|\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|%[A-Za-z_]+%|\{\{.*\}\}|\$\(.*\)|[0-9]+(?:\.[0-9]+)?|#[0-9a-f]{3,8}|__[A-Z0-9_]+__)$/i;

/** Splits a key into its words (snake, kebab, dotted, camelCase) and tests the key. */
export function isSecretKey(key: string): boolean {
  const k = key.replace(/^-+/, '');
  // A file name (`tokens.css`, `auth.ts`), as in grep output `src/auth.ts:12:…`.
  if (FILE_NAME.test(k)) return false;
  if (NOT_SECRET_KEY.test(k)) return false;
  // camelCase → snake so the word tests see `maxTokens` as `max_Tokens`.
  const snake = k.replace(/([a-z0-9])([A-Z])/g, '$1_$2');
  if (NOT_SECRET_KEY.test(snake)) return false;
  return SECRET_KEY_TEST.test(k);
}

const KEY_CHAR = /[A-Za-z0-9_.-]/;

/**
 * Finds `key=value`, `key: value`, `"key": "value"`, `key = 'value'`, `\"key\": \"value\"`
 * (JSON inside a JSON string), `--key value`/`--key=value`, starting from each key hint.
 */
export function findAssignments(text: string): Finding[] {
  const out: Finding[] = [];
  SECRET_KEY_HINT.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = SECRET_KEY_HINT.exec(text)) !== null) {
    // Widen to the whole key.
    let ks = m.index;
    while (ks > 0 && KEY_CHAR.test(text[ks - 1]!) && m.index - ks < 80) ks--;
    let ke = m.index + m[0].length;
    while (ke < text.length && KEY_CHAR.test(text[ke]!) && ke - ks < 120) ke++;
    SECRET_KEY_HINT.lastIndex = ke;
    const key = text.slice(ks, ke);
    if (!isSecretKey(key)) continue;
    const found = valueAfterKey(text, ks, ke, key.startsWith('-'));
    // Hints inside a found value are still looked at: `a= b_token: x` has two keys.
    if (found) out.push({ start: found[0], end: found[1], rule: 'assignment', priority: SECRET });
  }
  return out;
}

/** After a key ending at `ke`: the separator, then the value's range, or null. */
function valueAfterKey(text: string, ks: number, ke: number, isFlag: boolean): [number, number] | null {
  let i = ke;
  // A closing quote of a quoted key, possibly escaped once or more (`\"`, `\\\"`).
  const q = /^(\\*)(["'`])/.exec(text.slice(i, i + 8));
  let keyQuoted = false;
  if (q) {
    // Only if the key was opened by the same quote.
    const open = text.slice(Math.max(0, ks - q[0].length), ks);
    if (open === q[0]) {
      keyQuoted = true;
      i += q[0].length;
    }
  }
  const sep = /^[ \t]{0,4}(:=|=>|=|:)[ \t]{0,8}/.exec(text.slice(i, i + 24));
  let colon = false;
  if (sep) {
    i += sep[0].length;
    colon = sep[1] === ':';
    // `key: value` where the value is on the next line is YAML nesting, not a value.
    if (text[i] === '\n' || text[i] === '\r') return null;
  } else if (isFlag && /^[ \t]+/.test(text.slice(i, i + 2))) {
    i += /^[ \t]+/.exec(text.slice(i, i + 8))![0].length;
    if (text[i] === '-') return null;
  } else return null;
  // Quoted value, with the same escaping depth as the key when the key was quoted.
  const vq = /^(\\*)(["'`])/.exec(text.slice(i, i + 8));
  if (vq) {
    const quote = vq[0];
    const start = i + quote.length;
    let end = start;
    // A value ends at the same quote sequence (a deeper-escaped quote is part of the value).
    for (;;) {
      const at = text.indexOf(quote, end);
      if (at < 0) {
        end = lineEnd(text, start);
        break;
      }
      // `\"` inside a `"`-quoted value: an escaped quote, keep going.
      if (quote.length === 1 && text[at - 1] === '\\' && quote !== '`') {
        end = at + 1;
        continue;
      }
      // A value does not run over a line end (bounded search: no rescans of a long line).
      const nl = text.slice(start, at).indexOf('\n');
      end = nl >= 0 ? start + nl : at;
      break;
    }
    const value = text.slice(start, end);
    if (isTrivial(value)) return null;
    return [start, end];
  }
  // Unquoted value: up to whitespace, a quote, a separator, or a JSON escape.
  let end = i;
  while (end < text.length && !/[\s"'`,;&|<>(){}[\]\\]/.test(text[end]!)) end++;
  const value = text.slice(i, end);
  if (isTrivial(value)) return null;
  if (/[:=]$/.test(value)) return null; // the next key (`password= secret: x`), not a value
  // A type annotation (`cookies: AstroCookies)`, `token: Token | null`): a type name, then code.
  // Type names are words (`AstroCookies`); a random mixed-case value almost never is.
  if (colon && /^(?:[A-Z][a-z]+)+$/.test(value) && /^[ \t]*[),;|<>[\]={?]/.test(text.slice(end, end + 4))) return null;
  if (text[end] === '(') return null; // a call: `token = getToken()`
  if (/^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+$/.test(value) && !/\d/.test(value)) return null; // `config.token`
  // `x = otherName` in code (spaces around `=`, a plain identifier): a reference, not a value.
  // Shell and .env assignments (`KEY=value`, no spaces) are always hidden.
  if (sep && sep[1] === '=' && /^\s/.test(sep[0]) && /^[A-Za-z_$][A-Za-z_$]*$/.test(value) && /[a-z]/.test(value)) return null;
  // `key: word` in prose or YAML: only when the value looks made up (digit, mixed case, symbol) or long.
  if (colon && !keyQuoted && !/[0-9]|[A-Z]|[^A-Za-z]/.test(value.slice(1)) && value.length < 16) return null;
  return [i, end];
}

function lineEnd(text: string, from: number): number {
  const nl = text.indexOf('\n', from);
  return nl < 0 ? text.length : nl;
}

/** True for values that are not secrets: empty, short, references, types, numbers. */
export function isTrivialValue(value: string): boolean {
  return isTrivial(value);
}

function isTrivial(value: string): boolean {
  const v = value.trim();
  if (v.length < 3) return true;
  return TRIVIAL_VALUE.test(v) || v.startsWith('\u0000');
}

// ---------------------------------------------------------------------------------------------
// URL passwords, auth headers, cookies

/** After `://`: `user:password@`. Sticky, tried only where `://` occurs (fast on long text). */
const USERINFO = /([^\s:/@'"`<>\\]{0,200}):([^\s/@'"`<>\\]{1,300})@/y;
const SCHEME_CHAR = /[A-Za-z0-9+.-]/;

/** `scheme://user:pass@host` → the password only (user and host stay). */
export function findUrlPasswords(text: string): Finding[] {
  const out: Finding[] = [];
  let at = text.indexOf('://');
  while (at >= 0) {
    let s = at;
    while (s > 0 && at - s < 21 && SCHEME_CHAR.test(text[s - 1]!)) s--;
    USERINFO.lastIndex = at + 3;
    const m = s < at && /[A-Za-z]/.test(text[s]!) ? USERINFO.exec(text) : null;
    if (m) {
      const pass = m[2]!;
      const start = at + 3 + m[1]!.length + 1;
      if (!/^\$\{?[A-Za-z_]\w*\}?$/.test(pass)) out.push({ start, end: start + pass.length, rule: 'url-password', priority: SECRET });
    }
    at = text.indexOf('://', at + 3);
  }
  return out;
}

const AUTH_HEADER = /\b(?:proxy-)?authorization\b["'\\]*[ \t]*[:=][ \t]*["'\\]*[ \t]*(?:(?:bearer|basic|token|digest|negotiate|ntlm|apikey|aws4-hmac-sha256)\b[ \t]*)?/gi;
/** A `Cookie:` header; a `cookie:` property in code is told apart by its value (see below). */
const COOKIE_HEADER = /\b(?:set-)?cookie[ \t]*:[ \t]*/gi;
const BEARER = /\bbearer[ \t]+(?=[A-Za-z0-9\-._~+/]{12,})/gi;
const CURL_USER = /(?:^|[\s'"])(?:-u|--user)[ \t=]+['"]?([^\s:'"]{1,100}):/g;

/** `Authorization:` values (scheme kept), `Cookie:`/`Set-Cookie:` values, bare `Bearer x`, `curl -u user:pass`. */
export function findHeaders(text: string): Finding[] {
  const out: Finding[] = [];
  const valueTo = (from: number, stop: RegExp) => {
    let e = from;
    while (e < text.length && !stop.test(text[e]!)) e++;
    return e;
  };
  for (const [re, rule, stop] of [
    [AUTH_HEADER, 'auth-header', /[\s"'\\,;]/],
    [BEARER, 'auth-header', /[\s"'\\,;]/],
    [COOKIE_HEADER, 'cookie', /[\r\n"'\\]/],
  ] as const) {
    re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(text)) !== null) {
      const start = m.index + m[0].length;
      let end = valueTo(start, stop);
      // Digest and friends carry `k="v", …` parameters: take the rest of the line.
      if (rule === 'auth-header' && /digest|negotiate/i.test(m[0])) end = lineEnd(text, start);
      const value = text.slice(start, end);
      if (value.length < 6 || isTrivial(value)) continue;
      // Cookies are `name=value` pairs: anything else is not a cookie header.
      if (rule === 'cookie' && !/^[^\s=;]+=/.test(value)) continue;
      out.push({ start, end, rule, priority: SECRET });
    }
  }
  CURL_USER.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = CURL_USER.exec(text)) !== null) {
    const start = m.index + m[0].length;
    const end = valueTo(start, /[\s'"]/);
    if (end - start >= 3 && !isTrivial(text.slice(start, end))) out.push({ start, end, rule: 'url-password', priority: SECRET });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Passwords on command lines and in credential files, and the AWS secret beside its key id

/**
 * Where tools take a password with no `key=` before it: `mysql -pX` (glued: `-p X` prompts),
 * `sshpass -p X`, `docker login -p X`, `.netrc`'s `password X`. Found in a hostile-home review,
 * published whole.
 */
const COMMAND_PASSWORD: [string, RegExp][] = (
  [
    ['mysql', /\b(?:mysql|mysqldump|mysqladmin)\b[^\n]{0,200}?[ \t]-p(?:(['"])([^'"\n]{3,200})\1|()([^\s'"-][^\s'"]{2,199}))/g],
    ['mariadb', /\b(?:mariadb|mariadb-dump)\b[^\n]{0,200}?[ \t]-p(?:(['"])([^'"\n]{3,200})\1|()([^\s'"-][^\s'"]{2,199}))/g],
    ['sshpass', /\bsshpass\b[^\n]{0,50}?[ \t]-p[ \t]*(['"]?)([^\s'"]{3,200})\1/g],
    ['login', /\b(?:docker|podman|nerdctl|helm|oras|az|oc|cf)[ \t]+(?:registry[ \t]+)?login\b[^\n]{0,200}?[ \t]-p[ \t]+(['"]?)([^\s'"]{3,200})\1/g],
    ['machine', /\bmachine[ \t]+\S+[^\n]{0,200}?[ \t]password[ \t]+(['"]?)([^\s'"]{3,200})\1/g],
    ['password', /^[ \t]*password[ \t]+(['"]?)([^\s'"]{3,200})\1[ \t]*$/gm],
  ] as const
).map(([need, re]) => [need, new RegExp(re.source, `${re.flags}d`)]);
/** The words findCommandPasswords needs one of (also in the redactor's test for short strings). */
export const COMMAND_WORDS = new RegExp(COMMAND_PASSWORD.map(([need]) => need).join('|'));

/**
 * `AKIA…` then, on the same line, a 40-character secret (credentials.csv, `aws configure` echo),
 * perhaps after a short label (`key`, `secret:`). The id is matched as the redactor may already
 * have hidden it: a placeholder, which scanCopy blanks to NUL characters, since a pass reads the
 * text its previous pass wrote.
 */
const AWS_PAIR =
  /(?:\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b|\u0000{12,64})[^\S\n]{0,8}["']?[,;:| \t][^\S\n]{0,8}["']?(?:[A-Za-z_-]{1,24}[^\S\n]{0,8}[:=]?[^\S\n]{0,8}["']?)?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])/g;

/** Passwords given to command-line tools and in `.netrc`; the AWS secret key beside its key id. */
export function findCommandPasswords(text: string): Finding[] {
  const out: Finding[] = [];
  // Each pattern runs only on text holding its word: one scan for all of them first (six
  // `includes` of a page cost four times as much), most text holds none.
  const words = COMMAND_WORDS.test(text);
  for (const [need, re] of COMMAND_PASSWORD) {
    if (!words || !text.includes(need)) continue;
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      // The value is group 2, or 4 in the patterns that take a quoted value with spaces (`-p'a b'`).
      const group = m[2] !== undefined ? 2 : 4;
      const [start, end] = m.indices![group]!;
      if (!isTrivial(m[group]!)) out.push({ start, end, rule: 'command-password', priority: SECRET });
    }
  }
  if (!/A[KSBC][IC]A|\u0000/.test(text)) return out;
  AWS_PAIR.lastIndex = 0;
  for (let m = AWS_PAIR.exec(text); m !== null; m = AWS_PAIR.exec(text)) {
    const end = m.index + m[0].length;
    out.push({ start: end - 40, end, rule: 'aws-secret-key', priority: SECRET });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Private keys

const PEM_BEGIN = /-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----/g;
const PEM_END = /-----END[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----/g;

/**
 * Whole PEM private key blocks, BEGIN to END line. Without an END (a cut transcript) the block
 * runs to the end of the text: a half key is still a key. An END without its BEGIN (the start
 * was cut away: by Codex, by the tool, or by `outputChars`, which keeps an output's head and
 * tail) takes the base64 lines just above it. Works on JSON-escaped blocks too (`\n` stays two
 * characters; we only look for the markers and the line breaks).
 */
export function findPrivateKeys(text: string): Finding[] {
  const out: Finding[] = [];
  PEM_BEGIN.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = PEM_BEGIN.exec(text)) !== null) {
    PEM_END.lastIndex = m.index + m[0].length;
    const e = PEM_END.exec(text);
    const end = e ? e.index + e[0].length : text.length;
    out.push({ start: m.index, end, rule: 'private-key', priority: SECRET });
    PEM_BEGIN.lastIndex = end;
  }
  // Blocks are in order and do not overlap; ENDs are met in order: one pass over both.
  const blocks = out.length;
  let j = 0;
  PEM_END.lastIndex = 0;
  while ((m = PEM_END.exec(text)) !== null) {
    const at = m.index;
    while (j < blocks && out[j]!.end <= at) j++;
    if (j < blocks && out[j]!.start <= at) continue;
    const start = keyBodyStart(text, at);
    if (start < at) out.push({ start, end: at + m[0].length, rule: 'private-key', priority: SECRET });
  }
  return out;
}

/** Longest base64 line we take for part of a key body (PEM writes 64). */
const KEY_LINE_MAX = 128;
const BASE64_CHAR = /[A-Za-z0-9+/=]/;

/** Length of the line break that ends just before `pos` (0: none). */
function breakBefore(text: string, pos: number): number {
  if (text[pos - 1] === '\n') return text[pos - 2] === '\r' ? 2 : 1;
  // JSON-escaped: `\n` as it is in raw text, or the two spaces scanCopy reads it as.
  if (text.startsWith('\\n', pos - 2)) return text.startsWith('\\r', pos - 4) ? 4 : 2;
  if (text.startsWith('  ', pos - 2)) return text.startsWith('    ', pos - 4) ? 4 : 2;
  return 0;
}

/**
 * Where the key body above an END line at `at` starts: walks up over lines of base64 (breaks
 * real or JSON-escaped), at most KEY_LINE_MAX characters each; `at` if there are none.
 */
function keyBodyStart(text: string, at: number): number {
  let start = at;
  for (let pos = at; ; ) {
    const brk = breakBefore(text, pos);
    if (brk === 0) break;
    const lineEnd = pos - brk;
    let lineStart = lineEnd;
    while (lineStart > 0 && lineEnd - lineStart <= KEY_LINE_MAX && BASE64_CHAR.test(text[lineStart - 1]!)) lineStart--;
    // The `n` of an escaped break above is not part of the line.
    if (text[lineStart - 1] === '\\' && text[lineStart] === 'n') lineStart++;
    if (lineStart === lineEnd || lineEnd - lineStart > KEY_LINE_MAX) break;
    start = lineStart;
    pos = lineStart;
  }
  return start;
}

// ---------------------------------------------------------------------------------------------
// Cut tokens

/** Prefixes of well-known token formats; a cut token is recognised by prefix alone. */
export const TOKEN_PREFIXES = [
  'ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'github_pat_', 'glpat-', 'gldt-', 'glrt-', 'glptt-',
  'xoxb-', 'xoxp-', 'xoxa-', 'xoxr-', 'xoxs-', 'xoxe-', 'xapp-', 'sk-ant-', 'sk-proj-', 'sk-svcacct-',
  'sk_live_', 'sk_test_', 'rk_live_', 'rk_test_', 'whsec_', 'AKIA', 'ASIA', 'AIza', 'npm_', 'pypi-AgE',
  'SG.', 'eyJ', 'hf_', 'xai-', 'gsk_', 'dop_v1_', 'doo_v1_', 'shpat_', 'shpss_', 'shpca_', 'lin_api_',
  'sq0atp-', 'sq0csp-', 'AccountKey=', 'SharedAccessKey=', 'ya29.', '1//0',
];
const escapeRe = (s: string) => s.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
const CUT_PREFIX = new RegExp(`(?<![A-Za-z0-9])(?:${TOKEN_PREFIXES.map(escapeRe).join('|')}|sk-)`, 'g');
/**
 * What may follow a cut: `…`, `...`, `[truncated…`, the gap marker `outputChars` leaves
 * (U+FDD0, see render/output-trim.ts), or nothing (the end of the text).
 */
const CUT_MARK = /^(?:…|\.\.\.|\s*\[(?:truncated|cut|…)|\s*\uFDD0)/;

/**
 * A token of a known format cut short (by `…` or the end of the text): hidden to the cut
 * (`cut-token`). A whole one (20+ characters after the prefix) is hidden too (`prefixed-token`).
 * Linear on purpose: from each prefix we walk the token once and resume after it.
 */
export function findCutTokens(text: string): Finding[] {
  const out: Finding[] = [];
  CUT_PREFIX.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = CUT_PREFIX.exec(text)) !== null) {
    const afterPrefix = m.index + m[0].length;
    let end = afterPrefix;
    // Walk the token; `.` is part of it unless it starts a `...` cut mark.
    while (end < text.length && TOKEN_CHAR.test(text[end]!) && !text.startsWith('...', end)) end++;
    const run = text.slice(afterPrefix, end);
    // A bare `sk-` also starts words (`sk-learn`): only a run that looks random counts.
    const plausible = m[0] !== 'sk-' || (/[0-9]/.test(run) && /[A-Z]/.test(run) && /[a-z]/.test(run));
    if (!plausible) {
      CUT_PREFIX.lastIndex = Math.max(end, m.index + 1);
      continue;
    }
    if (run.length >= 6 && (end === text.length || CUT_MARK.test(text.slice(end, end + 16)))) {
      out.push({ start: m.index, end, rule: 'cut-token', priority: SECRET });
    } else if (run.length >= (m[0] === 'AKIA' || m[0] === 'ASIA' ? 16 : 20)) {
      // A whole token of a known format, whatever follows it: the provider rules end in `\b`
      // or a fixed terminator, so a token ending in `-` escaped them.
      out.push({ start: m.index, end, rule: 'prefixed-token', priority: SECRET });
    }
    CUT_PREFIX.lastIndex = Math.max(end, m.index + 1);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// E-mail, home folder, user name

/** The domain after `@` (sticky: tried only where an `@` is). */
const EMAIL_DOMAIN = /(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}\.)+[A-Za-z]{2,24})(?![A-Za-z0-9-])/y;
const LOCAL_CHAR = /[A-Za-z0-9._%+-]/;
const ALNUM = /[A-Za-z0-9]/;
/** Looks like an address but is a file (`icon@2x.png`) or an SSH remote (`git@github.com`). */
const FILE_TLD = /\.(?:png|jpe?g|gif|svg|webp|ico|js|mjs|cjs|ts|tsx|jsx|json|css|map|html?|md|txt|lock|ya?ml|toml|py|rs|go|rb|sh|zip|gz|tgz|wasm)$/i;
/** Domains reserved for examples and tests (RFC 2606, RFC 6761): nobody's real address. */
const RESERVED_DOMAIN = /(?:^|\.)(?:example\.(?:com|net|org)|example|test|invalid|localhost)$/i;

/**
 * E-mail addresses, except: reserved example/test domains, SSH remotes (`git@host`), file names
 * that look like addresses, and the allowlist (exact addresses, or `@domain` entries).
 */
export function findEmails(text: string, allowlist: readonly string[]): Finding[] {
  const out: Finding[] = [];
  const exact = new Set(allowlist.filter((a) => !a.startsWith('@')).map((a) => a.toLowerCase()));
  const domains = allowlist.filter((a) => a.startsWith('@')).map((a) => a.slice(1).toLowerCase());
  let at = text.indexOf('@');
  while (at >= 0) {
    let s = at;
    while (s > 0 && at - s < 64 && LOCAL_CHAR.test(text[s - 1]!)) s--;
    while (s < at && !ALNUM.test(text[s]!)) s++;
    EMAIL_DOMAIN.lastIndex = at + 1;
    const d = s < at ? EMAIL_DOMAIN.exec(text) : null;
    if (!d) {
      at = text.indexOf('@', at + 1);
      continue;
    }
    const end = at + 1 + d[0].length;
    at = text.indexOf('@', end);
    const addr = text.slice(s, end).toLowerCase();
    const domain = d[0].toLowerCase();
    if (FILE_TLD.test(domain) || RESERVED_DOMAIN.test(domain)) continue;
    if (addr.startsWith('git@')) continue;
    // `scheme://user:password@host`: the password rule's business, not an address.
    if (text[s - 1] === ':' && /[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s/@]*:$/.test(text.slice(Math.max(0, s - 300), s))) continue;
    if (exact.has(addr) || domains.some((dm) => domain === dm || domain.endsWith('.' + dm))) continue;
    out.push({ start: s, end, rule: 'email', priority: 2 });
  }
  return out;
}

/** Occurrences of the home folder at a path boundary → `~`. */
export function findHomePath(text: string, home: string): Finding[] {
  const out: Finding[] = [];
  const h = home.replace(/\/+$/, '');
  if (h.length < 2) return out;
  let at = text.indexOf(h);
  while (at >= 0) {
    const after = text[at + h.length];
    const before = text[at - 1];
    const boundaryAfter = after === undefined || !/[A-Za-z0-9_.-]/.test(after);
    const boundaryBefore = before === undefined || !/[A-Za-z0-9_.-]/.test(before);
    if (boundaryAfter && boundaryBefore) out.push({ start: at, end: at + h.length, rule: 'home-path', replacement: '~', priority: 0 });
    at = text.indexOf(h, at + h.length);
  }
  return out;
}

/** The user name as a whole word. */
export function findUserName(text: string, re: RegExp): Finding[] {
  const out: Finding[] = [];
  re.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) out.push({ start: m.index, end: m.index + m[0].length, rule: 'user-name', priority: 1 });
  return out;
}

/** Builds the whole-word matcher for a user name (case-sensitive: names are usually lowercase words). */
export function userNameRegex(name: string): RegExp {
  return new RegExp(`(?<![A-Za-z0-9_])${escapeRe(name)}(?![A-Za-z0-9_])`, 'g');
}
