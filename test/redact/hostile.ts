/**
 * Hostile 1 MB lines: shapes that make backtracking regexes slow (long runs of one token
 * character, of a separator, of key=value pairs, of base64, of keyword prefixes). Shared by the
 * per-rule time test and scripts/redact-bench.mjs.
 */
const MB = 1_000_000;
const fill = (unit: string) => unit.repeat(Math.ceil(MB / unit.length)).slice(0, MB);

export function hostileLines(): Record<string, string> {
  let b64 = '';
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  let x = 12345;
  while (b64.length < MB) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    b64 += alphabet[x % 64];
  }
  return {
    'a*1e6': fill('a'),
    '=*1e6': fill('='),
    'A= repeated': fill('A='),
    'base64': b64,
    'key= repeated': fill('key='),
    'token: repeated': fill('token: '),
    'secret_ repeated': fill('secret_'),
    'ghp_ repeated': fill('ghp_'),
    'sk- repeated': fill('sk-'),
    'eyJ repeated': fill('eyJ'),
    'at-sign words': fill('a@b.'),
    '-----BEGIN': fill('-----BEGIN PRIVATE KEY-----'),
    'quotes': fill('"password": "'),
    'url userinfo': fill('http://a:b'),
    'spaces': fill(' '),
    'digits': fill('0'),
    'authorization': fill('Authorization: Bearer '),
  };
}
