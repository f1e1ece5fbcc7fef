import { describe, expect, it } from 'vitest';
import { goRegexToJs } from '../../scripts/gitleaks/regex.mjs';
import { parseToml } from '../../scripts/gitleaks/toml.mjs';
import { GITLEAKS_RULES, GITLEAKS_SKIPPED } from '../../src/lib/redact/gitleaks-rules.generated.ts';
import { createRedactorSync } from '../../src/lib/redact/index.ts';

describe('gitleaks converter', () => {
  it('folds inline case-insensitive groups, which JavaScript rejects', () => {
    const { source, flags } = goRegexToJs('\\b(p8e-(?i)[a-z0-9]{4})(?:[\\x60\'"\\s;]|$)');
    expect(flags).toBe('');
    const re = new RegExp(source);
    expect(re.test('p8e-AbC9 ')).toBe(true);
    expect(re.test('P8E-abc9 ')).toBe(false); // before (?i) stays case-sensitive
  });

  it('uses the i flag for a wholly case-insensitive pattern, and honours (?-i:…)', () => {
    expect(goRegexToJs('(?i)abc').flags).toBe('i');
    const { source } = goRegexToJs('(?i)ab(?-i:Cd)e\\z');
    const re = new RegExp(source);
    expect(re.test('ABCdE')).toBe(true);
    expect(re.test('ABcdE')).toBe(false);
  });

  it('translates named groups, POSIX classes and \\z', () => {
    const { source } = goRegexToJs('(?P<x>a)[[:digit:]]+\\z');
    expect(new RegExp(source).exec('a12')!.groups!.x).toBe('a');
    expect(() => goRegexToJs('\\p{L}+')).toThrow(/Unicode classes/);
  });

  it('parses the TOML subset gitleaks uses', () => {
    const t = parseToml(`title = "x"\n[allowlist]\nregexes = ['''a''', 'b',]\n\n[[rules]]\nid = "r1"\nregex = '''x\\d'''\nentropy = 3.5\nkeywords = [\n  "k", # c\n]\n[[rules.allowlists]]\nregexTarget = "match"\nregexes = ['''q''']\n`);
    expect(t.allowlist.regexes).toEqual(['a', 'b']);
    expect(t.rules[0]).toEqual({ id: 'r1', regex: 'x\\d', entropy: 3.5, keywords: ['k'], allowlists: [{ regexTarget: 'match', regexes: ['q'] }] });
  });

  it('the generated rule set compiles and is complete', () => {
    expect(GITLEAKS_RULES.length).toBeGreaterThan(200);
    for (const r of GITLEAKS_RULES) expect(() => new RegExp(r.source, 'dg' + r.flags)).not.toThrow();
    expect(GITLEAKS_SKIPPED.map((s) => s.id)).toEqual(['pkcs12-file']);
    // Loading the redactor compiles every rule and allowlist.
    expect(() => createRedactorSync({ homeDir: null, userName: null })).not.toThrow();
  });
});
