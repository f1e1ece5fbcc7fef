import { lintSource } from '@secretlint/core';
import { creator as preset } from '@secretlint/secretlint-rule-preset-recommend';
import { describe, expect, it } from 'vitest';
import { createSecretlintScanner, secretlintRuleId } from '../../src/lib/redact/secretlint.ts';
import { fakes, planted } from './fake.ts';

describe('synchronous secretlint driver', () => {
  it('reports the rules @secretlint/core reports on the same text', async () => {
    const content = fakes().map(planted).join('\n');
    const core = await lintSource({
      source: { content, filePath: '/x/session.txt', ext: '.txt', contentType: 'text' },
      options: { config: { rules: [{ id: preset.meta.id, rule: preset, options: {} }] } },
    });
    const coreRules = new Set(core.messages.map((m) => secretlintRuleId(m.ruleId)));
    const ours = new Set(createSecretlintScanner().scan(content).map((f) => f.rule));
    expect(coreRules.size).toBeGreaterThan(3);
    expect([...ours].sort()).toEqual([...coreRules].sort());
  });

  it('does not run the comment filter (content cannot disable it)', () => {
    const s = createSecretlintScanner();
    expect(s.ruleIds).not.toContain('secretlint-filter-comments');
    const gh = fakes()[0]!;
    expect(s.scan(`# secretlint-disable\n${gh.value}`).length).toBeGreaterThan(0);
  });
});
