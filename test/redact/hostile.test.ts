import { describe, expect, it } from 'vitest';
import { createDetectors, createRedactorSync } from '../../src/lib/redact/index.ts';
import { hostileLines } from './hostile.ts';

/** CPU time in ms: the machine is shared with other builds, wall time would measure them. */
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

// Generous bound from the brief: no rule may take a second on a hostile 1 MB line.
const LIMIT_MS = 1000;

describe('hostile 1 MB lines', () => {
  const detectors = createDetectors({ homeDir: '/home/alice', userName: 'alice' });
  const rules = [...detectors.ruleIds.secretlint, ...detectors.ruleIds.gitleaks, ...detectors.ruleIds.own];
  for (const [name, line] of Object.entries(hostileLines())) {
    it(`every rule finishes ${name} in under ${LIMIT_MS} ms`, { timeout: 600_000 }, () => {
      const slow: string[] = [];
      for (const rule of rules) {
        const start = cpu();
        detectors.findWithRule(line, rule);
        const ms = cpu() - start;
        if (ms > LIMIT_MS) slow.push(`${rule} ${ms.toFixed(0)} ms`);
      }
      expect(slow).toEqual([]);
    });
  }

  it('redacts a whole hostile line in bounded time', { timeout: 600_000 }, () => {
    const r = createRedactorSync({ homeDir: null, userName: null });
    for (const [name, line] of Object.entries(hostileLines())) {
      const start = cpu();
      r.redact(line);
      expect(cpu() - start, name).toBeLessThan(20_000);
    }
  });
});
