/**
 * The secretlint prefilter (RULE_NEEDS) may only skip a rule on text where the rule finds nothing.
 * One sample per pattern of each rule, built from pieces (no literal secret in the repository).
 */
import { describe, expect, it } from 'vitest';
import { createSecretlintScanner, needsIn, RULE_NEEDS } from '../../src/lib/redact/secretlint.ts';
import { fakes, planted, rand } from './fake.ts';
import { hostileLines } from './hostile.ts';

const HEX = '0123456789abcdef';
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const dash = '-'.repeat(5);
const p = (...parts: string[]) => parts.join('');

/** rule id -> texts that rule reports, one per pattern it has (and case variants where it ignores case). */
function samples(): Record<string, string[]> {
  return {
    // Access key and account ids are off by default in the preset: only the secret key pattern runs.
    'secretlint-aws': [`AWS_${p('SEC', 'RET')}_ACCESS_KEY="${rand(40)}"`, `aws_${p('sec', 'ret')}_access_key: ${rand(40)}`],
    'secretlint-privatekey': [`${dash}${p('BEGIN RSA PRIV', 'ATE KEY')}${dash}\nMI${rand(200, B64)}\n${dash}${p('END RSA PRIV', 'ATE KEY')}${dash}`],
    // `_authToken=` and x-oauth-basic URLs are looked for in .npmrc and package files only.
    'secretlint-npm': [`${p('np', 'm_')}${rand(36)}`],
    'secretlint-basicauth': [`https://deploy:${rand(14)}@build.example.com/x`],
    'secretlint-slack': [
      `${p('xo', 'xb-')}${rand(12, DIGITS)}-${rand(12, DIGITS)}-${rand(24)}`,
      `${p('https://hooks.sl', 'ack.com/services/')}T${rand(10)}/B${rand(10)}/${rand(24)}`,
      `${p('HTTPS://HOOKS.SL', 'ACK.COM/SERVICES/')}T${rand(10)}/B${rand(10)}/${rand(24)}`,
    ],
    'secretlint-sendgrid': [`${p('S', 'G.')}${rand(22)}.${rand(43)}`],
    'secretlint-shopify': [`${p('shp', 'at_')}${rand(32, HEX)}`],
    'secretlint-stripe': [`${p('rk', '_test_')}${rand(32)}`],
    'secretlint-github': [
      `${p('gh', 'p_')}${rand(36)}`,
      `${p('github', '_pat_')}${rand(82)}`,
      `${p('gh', 's_')}${rand(6, DIGITS)}_${rand(20)}.${rand(20)}.${rand(20)}`,
    ],
    'secretlint-gitlab': [`${p('gl', 'pat-')}${rand(20)}`],
    'secretlint-grafana': [`${p('gl', 'c_')}${rand(40)}`, `${p('gl', 'sa_')}${rand(32)}_${rand(8, HEX)}`],
    'secretlint-openai': [`${p('sk', '-proj-')}${rand(74)}${p('T3Blbk', 'FJ')}${rand(74)}`],
    'secretlint-anthropic': [`${p('sk', '-ant-api03-')}${rand(93)}AA`],
    'secretlint-groq': [`${p('gs', 'k_')}${rand(52)}`],
    'secretlint-huggingface': [`${p('h', 'f_')}${rand(34, LETTERS)}`],
    'secretlint-linear': [`${p('lin', '_api_')}${rand(40)}`],
    'secretlint-notion': [`${p('nt', 'n_')}${rand(11, DIGITS)}${rand(35)}`],
    'secretlint-1password': [`${p('op', 's_')}${onePasswordBody()}`],
    'secretlint-database-connection-string': [
      `${p('mongo', 'db+srv://')}admin:${rand(14)}@cluster0.example.net/app`,
      `${p('jdbc:my', 'sql://')}admin:${rand(14)}@db.example.net/app`,
      `${p('POST', 'GRES://')}admin:${rand(14)}@db.example.net/app`,
    ],
    'secretlint-hashicorp-vault': [`${p('hv', 's.')}${rand(95)}`, `${p('hv', 'b.')}${rand(140)}`, `${p('hv', 'r.')}${rand(95)}`],
    'secretlint-vercel': [`${p('vc', 'p_')}${rand(24)}`],
    'secretlint-databricks': [`${p('da', 'pi')}${rand(32, HEX)}`],
    'secretlint-docker': [`${p('dckr', '_pat_')}${rand(27)}`],
    'secretlint-figma': [`${p('fi', 'gd_')}${rand(40)}`],
    'secretlint-cloudflare': [`${p('cf', 'ut_')}${rand(40)}${rand(8, HEX)}`],
    'secretlint-tailscale': [`${p('tsk', 'ey-')}auth-${rand(12)}-${rand(24)}`],
  };
}

/** Base64 of a JSON object 115 characters long: `}` is alone in the last group, so it ends in `fQ==`. */
function onePasswordBody(): string {
  return Buffer.from(`{"secretKey":"${rand(99)}"}`).toString('base64');
}

describe('secretlint prefilter', () => {
  const all = createSecretlintScanner({ prefilter: false });
  const filtered = createSecretlintScanner();

  it('names only rules of the preset, and every rule but the one it must not', () => {
    const named = Object.keys(RULE_NEEDS);
    for (const id of named) expect(all.ruleIds).toContain(id);
    expect(all.ruleIds.filter((id) => !named.includes(id))).toEqual([]);
  });

  for (const [rule, texts] of Object.entries(samples())) {
    it(`${rule}: each pattern's find survives the prefilter`, () => {
      for (const text of texts) {
        const found = all.scan(text, rule);
        // A sample the rule does not report would make this test say nothing.
        expect(found.length, text.slice(0, 40)).toBeGreaterThan(0);
        expect(filtered.scan(text, rule)).toEqual(found);
        const inContext = `before ${text} after`;
        expect(filtered.scan(inContext, rule)).toEqual(all.scan(inContext, rule));
      }
    });
  }

  it('sees every string it looks for, in any case, also where one starts another', () => {
    expect([...needsIn(`x ${p('SK', '-ANT-API0')}3- y`)].sort()).toEqual(['sk-', 'sk-ant-api0']);
    expect([...needsIn(`Postgres://a ${p('GH', 'P_')} secret`)].sort()).toEqual(['://', 'ghp_', 'postgres', 'secret']);
    expect(needsIn('nothing to see here').size).toBe(0);
  });

  it('finds the same as every rule run everywhere, on the fakes and hostile lines', () => {
    const texts = [fakes().map(planted).join('\n'), ...Object.values(hostileLines()).map((l) => l.slice(0, 200_000))];
    for (const text of texts) expect(filtered.scan(text)).toEqual(all.scan(text));
  });
});
