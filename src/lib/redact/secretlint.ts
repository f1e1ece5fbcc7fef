/**
 * Runs the rules of secretlint's recommended preset on text, synchronously.
 *
 * Why not `lintSource` from @secretlint/core: it is asynchronous, and `Redactor.redact` is a
 * synchronous string → string function (it runs inside renderers). The preset's rule handlers
 * are synchronous, so we give them the same small context core gives them (`report`, `ignore`,
 * `createTranslator`) and collect reports; `test/redact/secretlint.test.ts` checks that this
 * driver reports what core reports. We leave out `secretlint-rule-filter-comments`: it is the
 * rule that honours `secretlint-disable` comments, and content must not switch redaction off.
 */
import { rules as presetRules } from '@secretlint/secretlint-rule-preset-recommend';
import type { Finding } from './findings.ts';

/** The rule that reads `secretlint-disable` comments; never run on content. */
const FILTER_COMMENTS = '@secretlint/secretlint-rule-filter-comments';

/** `@secretlint/secretlint-rule-github` → `secretlint-github`. */
export const secretlintRuleId = (metaId: string): string => 'secretlint-' + metaId.replace(/^@secretlint\/secretlint-rule-/, '');

interface Report {
  range: readonly [number, number];
  data: unknown;
}
interface Handler {
  id: string;
  file: (source: unknown) => unknown;
}

/** Sync scanner over the preset; `only` limits the run to one rule id. */
export interface SecretlintScanner {
  scan(text: string, only?: string): Finding[];
  readonly ruleIds: readonly string[];
}

export function createSecretlintScanner(): SecretlintScanner {
  let reports: Report[] = [];
  const handlers: Handler[] = [];
  for (const creator of presetRules as unknown as {
    meta: { id: string; supportedContentTypes?: string[] };
    create: (ctx: unknown, options: unknown) => { file?: (s: unknown) => unknown };
  }[]) {
    if (creator.meta.id === FILTER_COMMENTS) continue;
    if (creator.meta.supportedContentTypes && !creator.meta.supportedContentTypes.includes('text')) continue;
    const context = {
      sharedOptions: {},
      createTranslator: () => (messageId: string, data?: unknown) => ({ message: messageId, messageId, data }),
      report: (d: { range: readonly [number, number]; message: { data?: unknown } }) => {
        reports.push({ range: d.range, data: d.message?.data });
      },
      ignore: () => {},
    };
    const h = creator.create(context, {});
    if (h.file) handlers.push({ id: secretlintRuleId(creator.meta.id), file: h.file.bind(h) });
  }

  function scan(text: string, only?: string): Finding[] {
    const out: Finding[] = [];
    const source = { content: text, filePath: 'session.txt', ext: '.txt', contentType: 'text', hasBOM: false };
    for (const h of handlers) {
      if (only && h.id !== only) continue;
      reports = [];
      const r = h.file(source);
      // A rule that turned asynchronous would report after we read: fail loudly in tests.
      if (r && typeof (r as Promise<unknown>).then === 'function') {
        throw new Error(`secretlint rule ${h.id} is asynchronous; the synchronous driver cannot run it`);
      }
      for (const rep of reports) out.push(...toFindings(text, rep, h.id));
    }
    return out;
  }

  return { scan, ruleIds: handlers.map((h) => h.id) };
}

/**
 * Some rules report a range that starts at the key but has the secret's length (the AWS secret
 * key rule, 13.0.7), and some report a whole URL where only the password is secret. The
 * report's data holds the matched values: where one is found near the range, that occurrence is
 * what we hide (key names, users and hosts stay readable); otherwise the whole range.
 */
function toFindings(text: string, rep: Report, rule: string): Finding[] {
  const [s, e] = rep.range;
  const located: Finding[] = [];
  if (rep.data && typeof rep.data === 'object') {
    for (const v of Object.values(rep.data as Record<string, unknown>)) {
      if (typeof v !== 'string' || v.length < 8) continue;
      // The value must lie inside the reported line's neighbourhood, not anywhere.
      const at = text.indexOf(v, Math.max(0, s - 512));
      if (at >= 0 && at <= e + 512) located.push({ start: at, end: at + v.length, rule, priority: 4 });
    }
  }
  // A located value is the secret itself; without one, hide the whole reported range.
  const found = located.length ? located : [{ start: s, end: e, rule, priority: 4 }];
  // A connection string's secret is its password: keep scheme, user and host readable.
  return found.flatMap((f) => {
    const m = /:\/\/[^:/@\s]{1,100}:([^@/\s]{1,200})@/d.exec(text.slice(f.start, f.end));
    return m?.indices?.[1] ? [{ ...f, start: f.start + m.indices[1][0], end: f.start + m.indices[1][1] }] : [f];
  });
}
