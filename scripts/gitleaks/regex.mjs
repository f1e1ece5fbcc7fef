/**
 * Translates a Go (RE2) regular expression, as gitleaks writes them, into JavaScript source.
 *
 * Why a translator and not a string replace: RE2 allows flag groups anywhere (`ab(?i)cd`,
 * `(?-i:…)`), which JavaScript rejects before V8 12.5 and Node 22 does not have. We fold case
 * by hand instead: inside a case-insensitive stretch every ASCII letter becomes `[xX]` and
 * every class gains the other case, so the result needs no flag and runs on every Node we
 * support. Other differences handled: `(?P<name>` → `(?<name>`, `\z` → `$`, `\A` → `^`,
 * `(?s)` dot-all, POSIX classes `[[:alnum:]]`, and `.` (RE2 excludes only `\n`).
 * Anything we do not understand throws an Error whose message becomes the documented reason
 * the rule was left out.
 */

const POSIX = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  digit: '0-9',
  lower: 'a-z',
  upper: 'A-Z',
  space: '\\t\\n\\v\\f\\r ',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
  punct: '!-\\/:-@\\[-`{-~',
};

const isLetter = (c) => /^[A-Za-z]$/.test(c);
const swapCase = (c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase());

/**
 * Adds the other-case ranges of every ASCII letter range inside [lo, hi] (code points).
 * @returns {string[]} extra class items
 */
function caseRanges(lo, hi) {
  const out = [];
  const add = (a, b, delta) => {
    const s = Math.max(lo, a);
    const e = Math.min(hi, b);
    if (s <= e) out.push(esc(s + delta) + (e > s ? '-' + esc(e + delta) : ''));
  };
  add(0x61, 0x7a, -32);
  add(0x41, 0x5a, 32);
  return out;
}

function esc(cp) {
  const c = String.fromCodePoint(cp);
  if (/^[A-Za-z0-9]$/.test(c)) return c;
  return '\\x' + cp.toString(16).padStart(2, '0');
}

/**
 * @param {string} src Go regex source
 * @returns {{ source: string, flags: string, groups: number }} JavaScript source and the flags
 *   it needs besides `dg` (`i` when the whole pattern is case-insensitive: faster than folding)
 */
export function goRegexToJs(src) {
  // Whole pattern case-insensitive and no flag group inside: JavaScript's `i` flag says it all.
  if (src.startsWith('(?i)') && !/\(\?(?:[a-zA-Z]+(?:-[a-zA-Z]*)?|-[a-zA-Z]+)[:)]/.test(src.slice(4).replace(/\\\\|\\\(/g, ''))) {
    const inner = goRegexToJsFolded(src.slice(4));
    new RegExp(inner.source, 'dgi');
    return { ...inner, flags: 'i' };
  }
  return { ...goRegexToJsFolded(src), flags: '' };
}

function goRegexToJsFolded(src) {
  let i = 0;
  let out = '';
  let groups = 0;
  const names = new Set();
  // Flag state per open group; flags set by `(?i)` last until that group closes.
  const stack = [];
  let ci = false;
  let dotAll = false;
  const fail = (msg) => {
    throw new Error(`${msg} at offset ${i}`);
  };

  const readEscape = (inClass) => {
    // i points at the backslash; returns [jsText, codePointOrNull]
    const c = src[i + 1];
    if (c === undefined) fail('trailing backslash');
    if (c === 'x') {
      if (src[i + 2] === '{') {
        const end = src.indexOf('}', i);
        const cp = parseInt(src.slice(i + 3, end), 16);
        i = end + 1;
        return [cp <= 0xff ? '\\x' + cp.toString(16).padStart(2, '0') : '\\u' + cp.toString(16).padStart(4, '0'), cp];
      }
      const hex = src.slice(i + 2, i + 4);
      i += 4;
      return ['\\x' + hex, parseInt(hex, 16)];
    }
    if (c === 'p' || c === 'P') fail('Unicode classes (\\p) need the u flag, which changes other escapes');
    if (c === 'Q') fail('\\Q…\\E quoting is not supported');
    if (/[0-9]/.test(c) && c !== '0') fail('back-references are not RE2 syntax');
    i += 2;
    if (!inClass && c === 'z') return ['$', null];
    if (!inClass && c === 'A') return ['^', null];
    if ('dDwWsSbBntrfv'.includes(c)) return ['\\' + c, null];
    if (c === '0') return ['\\x00', 0];
    if (/[A-Za-z]/.test(c)) fail(`unknown escape \\${c}`);
    // Escaped punctuation: keep it escaped (valid in JS without the u flag).
    return ['\\' + c, c.codePointAt(0)];
  };

  const readClass = () => {
    // i points at '['
    i++;
    let negate = false;
    if (src[i] === '^') {
      negate = true;
      i++;
    }
    const items = [];
    const extra = [];
    let first = true;
    for (;;) {
      if (i >= src.length) fail('unterminated character class');
      const c = src[i];
      if (c === ']' && !first) {
        i++;
        break;
      }
      first = false;
      if (c === '[' && src[i + 1] === ':') {
        const end = src.indexOf(':]', i);
        const name = src.slice(i + 2, end);
        const neg = name.startsWith('^');
        const body = POSIX[neg ? name.slice(1) : name];
        if (!body || neg) fail(`POSIX class [:${name}:] not supported`);
        items.push(body);
        i = end + 2;
        continue;
      }
      let text;
      let cp;
      if (c === '\\') [text, cp] = readEscape(true);
      else {
        cp = src.codePointAt(i);
        text = c === '[' || c === ']' || c === '^' || c === '-' ? '\\' + c : String.fromCodePoint(cp);
        i += String.fromCodePoint(cp).length;
      }
      if (src[i] === '-' && src[i + 1] !== ']' && cp !== null) {
        i++;
        let text2;
        let cp2;
        if (src[i] === '\\') [text2, cp2] = readEscape(true);
        else {
          cp2 = src.codePointAt(i);
          text2 = String.fromCodePoint(cp2);
          if (text2 === '[' || text2 === ']') text2 = '\\' + text2;
          i += String.fromCodePoint(cp2).length;
        }
        if (cp2 === null) fail('range ends in a class escape');
        items.push(text + '-' + text2);
        if (ci) extra.push(...caseRanges(cp, cp2));
      } else {
        items.push(text);
        if (ci && cp !== null) extra.push(...caseRanges(cp, cp));
      }
    }
    return '[' + (negate ? '^' : '') + items.join('') + extra.join('') + ']';
  };

  while (i < src.length) {
    const c = src[i];
    if (c === '\\') {
      const [text, cp] = readEscape(false);
      out += ci && cp !== null && isLetter(String.fromCodePoint(cp)) ? `[${text.slice(-1)}${swapCase(text.slice(-1))}]` : text;
    } else if (c === '[') {
      out += readClass();
    } else if (c === '(') {
      if (src[i + 1] === '?') {
        const flagMatch = /^\(\?([imsU]*)(?:-([imsU]*))?([:)])/.exec(src.slice(i, i + 12));
        if (src.startsWith('(?P<', i) || (src.startsWith('(?<', i) && src[i + 3] !== '=' && src[i + 3] !== '!')) {
          const start = src.indexOf('<', i) + 1;
          const end = src.indexOf('>', start);
          const name = src.slice(start, end);
          groups++;
          stack.push({ ci, dotAll });
          // Duplicate names are legal in RE2 but not in older JavaScript: keep the group, drop the name.
          out += names.has(name) ? '(' : `(?<${name}>`;
          names.add(name);
          i = end + 1;
          continue;
        }
        if (!flagMatch) fail('unsupported group syntax');
        const [whole, on = '', off = '', kind] = flagMatch;
        if (/[mU]/.test(on + off)) fail('flags m/U are not supported');
        const next = { ci, dotAll };
        if (on.includes('i')) next.ci = true;
        if (off.includes('i')) next.ci = false;
        if (on.includes('s')) next.dotAll = true;
        if (off.includes('s')) next.dotAll = false;
        i += whole.length;
        if (kind === ')') {
          // `(?i)` alone: applies to the rest of the enclosing group.
          ci = next.ci;
          dotAll = next.dotAll;
        } else {
          stack.push({ ci, dotAll });
          ci = next.ci;
          dotAll = next.dotAll;
          out += '(?:';
        }
        continue;
      }
      groups++;
      stack.push({ ci, dotAll });
      out += '(';
      i++;
    } else if (c === ')') {
      const prev = stack.pop();
      if (!prev) fail('unbalanced )');
      ci = prev.ci;
      dotAll = prev.dotAll;
      out += ')';
      i++;
    } else if (c === '.') {
      out += dotAll ? '[\\s\\S]' : '[^\\n]';
      i++;
    } else if (c === '{') {
      const m = /^\{(\d*)(,?)(\d*)\}/.exec(src.slice(i, i + 20));
      if (!m) {
        out += '\\{';
        i++;
      } else {
        if (m[1] === '') fail('{,n} quantifier');
        out += m[0];
        i += m[0].length;
      }
    } else if (c === '}') {
      out += '\\}';
      i++;
    } else if (c === '/') {
      out += '\\/';
      i++;
    } else {
      const cp = src.codePointAt(i);
      const ch = String.fromCodePoint(cp);
      out += ci && isLetter(ch) ? `[${ch}${swapCase(ch)}]` : ch;
      i += ch.length;
    }
  }
  if (stack.length) fail('unbalanced (');
  new RegExp(out, 'dg'); // throws on anything JavaScript still rejects
  return { source: out, groups };
}
