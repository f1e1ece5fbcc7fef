/**
 * The browser scripts are classic scripts served byte for byte (src/pages/ui/[name].js.ts). One
 * syntax error, such as a regular expression feature a reader's browser lacks, stops the whole
 * script: search, the theme button and keyboard use with it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const dir = path.resolve(import.meta.dirname, '../../src/scripts');

describe('browser scripts', () => {
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.js'))) {
    it(`${name} uses no regular-expression lookbehind (Safari before 16.4 cannot parse it)`, () => {
      const source = readFileSync(path.join(dir, name), 'utf8');
      expect(source.match(/\(\?<[=!]/g) ?? []).toEqual([]);
    });
  }
});
