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
import { trieRegex } from './gitleaks.ts';

/** The rule that reads `secretlint-disable` comments; never run on content. */
const FILTER_COMMENTS = '@secretlint/secretlint-rule-filter-comments';

/**
 * What each rule of the preset (13.0.7) cannot report without: strings, one of which the text
 * must hold (in any case), read from the rule's patterns. Nearly every rule looks for a token
 * with a fixed prefix behind a lookbehind (`(?<!\p{L})npm_…`), which keeps V8 from skipping
 * ahead to the prefix, so each rule read every character of every text: 0.5 ms a session page,
 * twice in the page verifier (as written and with entities decoded). One pass for all of these
 * strings costs 0.2 ms. A rule not named here always runs. (secretlint-gcp never runs: it reads
 * .json and .p12 files only, and is not a text rule.)
 */
export const RULE_NEEDS: Readonly<Record<string, readonly string[]>> = {
  'secretlint-aws': ['a3t', 'akia', 'agpa', 'aida', 'aroa', 'aipa', 'anpa', 'anva', 'asia', 'secret', 'account'],
  'secretlint-privatekey': ['-----begin'],
  'secretlint-npm': ['npm_', '_authtoken=', ':x-oauth-basic@github'],
  'secretlint-basicauth': ['://'],
  'secretlint-slack': ['xoxb-', 'xoxp-', 'xapp-', 'xoxa-', 'xoxo-', 'xoxr-', 'hooks.slack.com/services/'],
  'secretlint-sendgrid': ['sg.'],
  'secretlint-shopify': ['shppa_', 'shpca_', 'shpat_', 'shpss_'],
  'secretlint-stripe': ['sk_live_', 'sk_test_', 'rk_live_', 'rk_test_'],
  'secretlint-github': ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'github_pat_'],
  'secretlint-gitlab': ['glpat-'],
  'secretlint-grafana': ['glc_', 'glsa_'],
  'secretlint-openai': ['sk-'],
  'secretlint-anthropic': ['sk-ant-api0'],
  'secretlint-groq': ['gsk_'],
  'secretlint-huggingface': ['hf_'],
  'secretlint-linear': ['lin_api_'],
  'secretlint-notion': ['ntn_'],
  'secretlint-1password': ['ops_ey'],
  'secretlint-database-connection-string': ['mongodb', 'mysql', 'postgres'],
  'secretlint-hashicorp-vault': ['hvs.', 'hvb.', 'hvr.'],
  'secretlint-vercel': ['vcp_', 'vci_', 'vca_', 'vcr_', 'vck_'],
  'secretlint-databricks': ['dapi'],
  'secretlint-docker': ['dckr_pat_'],
  'secretlint-figma': ['figd_'],
  'secretlint-cloudflare': ['cfk_', 'cfut_', 'cfat_'],
  'secretlint-tailscale': ['tskey-'],
};

const NEEDS = [...new Set(Object.values(RULE_NEEDS).flat())];
/** First character -> the strings of RULE_NEEDS that start with it. */
const NEEDS_BY_FIRST = Map.groupBy(NEEDS, (n) => n[0]!);
/** Where any of them starts, in one pass (a trie: irregexp tries alternatives in turn). */
const ANY_NEED = new RegExp(trieRegex(NEEDS), 'gi');

/** The strings of RULE_NEEDS that `text` holds, in any case, overlapping ones included. */
export function needsIn(text: string): Set<string> {
  const found = new Set<string>();
  ANY_NEED.lastIndex = 0;
  for (let m = ANY_NEED.exec(text); m !== null; m = ANY_NEED.exec(text)) {
    for (const n of NEEDS_BY_FIRST.get(m[0][0]!.toLowerCase()) ?? []) {
      if (text.slice(m.index, m.index + n.length).toLowerCase() === n) found.add(n);
    }
    ANY_NEED.lastIndex = m.index + 1;
  }
  return found;
}

/** `@secretlint/secretlint-rule-github` → `secretlint-github`. */
export const secretlintRuleId = (metaId: string): string => 'secretlint-' + metaId.replace(/^@secretlint\/secretlint-rule-/, '');

interface Report {
  range: readonly [number, number];
  data: unknown;
}
interface Handler {
  id: string;
  file: (source: unknown) => unknown;
  needs: readonly string[] | undefined;
}

/** Sync scanner over the preset; `only` limits the run to one rule id. */
export interface SecretlintScanner {
  scan(text: string, only?: string): Finding[];
  readonly ruleIds: readonly string[];
}

/** `prefilter: false` runs every rule on every text (tests compare the two). */
export function createSecretlintScanner({ prefilter = true } = {}): SecretlintScanner {
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
    const id = secretlintRuleId(creator.meta.id);
    if (h.file) handlers.push({ id, file: h.file.bind(h), needs: prefilter ? RULE_NEEDS[id] : undefined });
  }

  function scan(text: string, only?: string): Finding[] {
    const out: Finding[] = [];
    const source = { content: text, filePath: 'session.txt', ext: '.txt', contentType: 'text', hasBOM: false };
    let present: Set<string> | undefined;
    for (const h of handlers) {
      if (only && h.id !== only) continue;
      if (h.needs) {
        present ??= needsIn(text);
        if (!h.needs.some((n) => present!.has(n))) continue;
      }
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
