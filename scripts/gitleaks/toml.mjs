/**
 * A small TOML reader for the subset gitleaks configs use: `[table]`, `[[array.of.tables]]`
 * (one level of nesting, as in `[[rules.allowlists]]`), `key = value` with literal ('…', '''…''')
 * and basic ("…") strings, numbers, booleans and (multi-line) arrays of those, and `#` comments.
 * Anything else throws with the line number, so a format change upstream fails loudly instead
 * of silently dropping rules. No dependency: the project avoids one for a 100-line job.
 */

/** @param {string} text @returns {Record<string, any>} */
export function parseToml(text) {
  const root = {};
  let current = root;
  let i = 0;
  let line = 1;
  const fail = (msg) => {
    throw new Error(`gitleaks TOML, line ${line}: ${msg}`);
  };
  const skipSpaceAndComments = (newlines) => {
    for (;;) {
      const c = text[i];
      if (c === ' ' || c === '\t' || c === '\r') i++;
      else if (c === '\n' && newlines) {
        i++;
        line++;
      } else if (c === '#') {
        while (i < text.length && text[i] !== '\n') i++;
      } else return;
    }
  };
  const readKey = () => {
    const m = /^[A-Za-z0-9_.-]+/.exec(text.slice(i, i + 200));
    if (!m) fail('expected a key');
    i += m[0].length;
    return m[0];
  };
  const readString = () => {
    if (text.startsWith("'''", i)) {
      const end = text.indexOf("'''", i + 3);
      if (end < 0) fail('unterminated literal string');
      let s = text.slice(i + 3, end);
      if (s.startsWith('\n')) s = s.slice(1);
      line += (text.slice(i, end).match(/\n/g) ?? []).length;
      i = end + 3;
      return s;
    }
    if (text[i] === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0 || text.slice(i, end).includes('\n')) fail('unterminated literal string');
      const s = text.slice(i + 1, end);
      i = end + 1;
      return s;
    }
    if (text.startsWith('"""', i)) fail('multi-line basic strings are not supported');
    // Basic string with escapes.
    i++;
    let out = '';
    for (;;) {
      const c = text[i];
      if (c === undefined || c === '\n') fail('unterminated string');
      if (c === '"') {
        i++;
        return out;
      }
      if (c === '\\') {
        const e = text[i + 1];
        const map = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\', b: '\b', f: '\f' };
        if (e in map) {
          out += map[e];
          i += 2;
        } else if (e === 'u' || e === 'U') {
          const len = e === 'u' ? 4 : 8;
          out += String.fromCodePoint(parseInt(text.slice(i + 2, i + 2 + len), 16));
          i += 2 + len;
        } else fail(`unknown escape \\${e}`);
        continue;
      }
      out += c;
      i++;
    }
  };
  const readValue = () => {
    const c = text[i];
    if (c === "'" || c === '"') return readString();
    if (c === '[') {
      i++;
      const arr = [];
      for (;;) {
        skipSpaceAndComments(true);
        if (text[i] === ']') {
          i++;
          return arr;
        }
        arr.push(readValue());
        skipSpaceAndComments(true);
        if (text[i] === ',') i++;
        else if (text[i] !== ']') fail('expected , or ] in array');
      }
    }
    const m = /^(true|false|[+-]?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(i, i + 40));
    if (!m) fail('unsupported value');
    i += m[0].length;
    if (m[0] === 'true') return true;
    if (m[0] === 'false') return false;
    return Number(m[0]);
  };
  const setKey = (obj, key, value) => {
    if (Object.hasOwn(obj, key)) fail(`duplicate key ${key}`);
    Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  };

  while (i < text.length) {
    skipSpaceAndComments(true);
    if (i >= text.length) break;
    if (text.startsWith('[[', i)) {
      const end = text.indexOf(']]', i);
      const path = text.slice(i + 2, end).trim().split('.');
      i = end + 2;
      let parent = root;
      for (const part of path.slice(0, -1)) {
        const v = parent[part];
        parent = Array.isArray(v) ? v[v.length - 1] : v;
        if (!parent) fail(`no parent table for ${path.join('.')}`);
      }
      const last = path[path.length - 1];
      if (!Object.hasOwn(parent, last)) setKey(parent, last, []);
      current = {};
      parent[last].push(current);
    } else if (text[i] === '[') {
      const end = text.indexOf(']', i);
      const path = text.slice(i + 1, end).trim();
      if (path.includes('.')) fail('dotted table names are not supported');
      i = end + 1;
      current = {};
      setKey(root, path, current);
    } else {
      const key = readKey();
      skipSpaceAndComments(false);
      if (text[i] !== '=') fail('expected =');
      i++;
      skipSpaceAndComments(false);
      setKey(current, key, readValue());
    }
    skipSpaceAndComments(false);
    if (i < text.length && text[i] !== '\n') fail('expected end of line');
  }
  return root;
}
