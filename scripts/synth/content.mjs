/**
 * Text pools for synthetic sessions: prompts, reasoning, commands with plausible outputs, code in
 * several languages, markdown answers and patches. Everything is assembled from fixed pieces by a
 * seeded PRNG, so output is deterministic and cheap to produce (no per-character randomness).
 */

export const PROJECT_NAMES = [
  'atlas-api', 'billing-service', 'cli-tools', 'dashboard', 'data-pipeline', 'docs-site', 'edge-proxy',
  'feature-flags', 'geo-index', 'hyperlog', 'image-resizer', 'infra-terraform', 'job-runner', 'kv-store',
  'ledger', 'mail-relay', 'metrics-agent', 'mobile-app', 'notebook-kernel', 'oauth-gateway', 'orders',
  'payments-sdk', 'pdf-render', 'queue-worker', 'rate-limiter', 'recommender', 'search-indexer',
  'settings-ui', 'shipping-quotes', 'sms-gateway', 'static-blog', 'telemetry', 'tenant-admin',
  'tiny-compiler', 'upload-service', 'user-profile', 'video-transcode', 'web-checkout', 'wiki-sync',
  'zip-archiver',
];

const ORGS = ['acme', 'northwind', 'globex', 'initech', 'umbrella-labs'];

/** 40 projects: cwd + git remote, stable for a given index. */
export function projects() {
  return PROJECT_NAMES.map((name, i) => ({
    name,
    cwd: `/home/dev/src/${name}`,
    git: { commit_hash: hashFor(name), branch: i % 5 === 0 ? 'develop' : 'main', repository_url: `https://github.com/${ORGS[i % ORGS.length]}/${name}.git` },
    lang: ['ts', 'py', 'rust', 'go'][i % 4],
  }));
}

function hashFor(s) {
  let h = 2166136261;
  let out = '';
  for (let r = 0; r < 5; r++) {
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619 + r);
    out += (h >>> 0).toString(16).padStart(8, '0');
  }
  return out.slice(0, 40);
}

const FILES = {
  ts: ['src/index.ts', 'src/server.ts', 'src/routes/users.ts', 'src/lib/cache.ts', 'src/lib/retry.ts', 'test/cache.test.ts', 'src/config.ts'],
  py: ['app/main.py', 'app/models.py', 'app/api/routes.py', 'app/utils/retry.py', 'tests/test_models.py', 'pyproject.toml'],
  rust: ['src/main.rs', 'src/lib.rs', 'src/parser.rs', 'src/cache.rs', 'tests/parser.rs', 'Cargo.toml'],
  go: ['cmd/server/main.go', 'internal/store/store.go', 'internal/api/handler.go', 'internal/retry/retry.go', 'internal/store/store_test.go', 'go.mod'],
};

const TOPICS = [
  'the retry logic', 'the cache invalidation', 'pagination in the list endpoint', 'the flaky integration test',
  'error messages for invalid config', 'the CSV export', 'request timeouts', 'the login redirect loop',
  'structured logging', 'the slow startup', 'a memory leak in the worker', 'input validation', 'the date parsing bug',
  'rate limiting per tenant', 'the migration script', 'dependency upgrades', 'the health check endpoint',
];

const PROMPTS = [
  'Can you look into {topic} in `{file}`? Something is off since the last release.',
  'Please fix {topic}. Tests are failing on CI with a timeout.',
  'Add tests for {topic} and make sure `{file}` stays readable.',
  'Refactor {topic} so it no longer depends on global state.',
  'Why does {topic} behave differently on staging? Check `{file}` first.',
  'Write a short design note about {topic}, then implement the smallest change.',
  'Run the test suite and tell me what is broken.',
  'Review my changes to `{file}` and suggest improvements.',
  'Speed up {topic}; profile it before changing anything.',
  'Rename the helpers around {topic} to something clearer and update callers.',
];

const REASONING = [
  ['**Reading the code**', 'I want to see how {topic} is wired before touching anything.'],
  ['**Reproducing the failure**', 'Running the tests first gives a baseline and shows the exact error.'],
  ['**Narrowing it down**', 'The stack trace points at `{file}`; the branch for empty input looks suspicious.'],
  ['**Planning the change**', 'A small, local fix is safer than restructuring the module now.'],
  ['**Checking edge cases**', 'Empty lists, unicode input and very large values need a test each.'],
  ['**Verifying**', 'Re-running the focused tests, then the whole suite.'],
];

const CODE = {
  ts: [
    'export async function withRetry<T>(fn: () => Promise<T>, attempts = 3): Promise<T> {\n  let last: unknown;\n  for (let i = 0; i < attempts; i++) {\n    try {\n      return await fn();\n    } catch (err) {\n      last = err;\n      await new Promise((r) => setTimeout(r, 2 ** i * 100));\n    }\n  }\n  throw last;\n}',
    'const cache = new Map<string, { value: string; expires: number }>();\n\nexport function get(key: string): string | undefined {\n  const hit = cache.get(key);\n  if (!hit || hit.expires < Date.now()) return undefined;\n  return hit.value;\n}',
  ],
  py: [
    'def paginate(items, page, size=20):\n    """Return one page of items and the total page count."""\n    if size <= 0:\n        raise ValueError("size must be positive")\n    start = (page - 1) * size\n    return items[start:start + size], -(-len(items) // size)',
    '@dataclass\nclass Invoice:\n    id: str\n    amount_cents: int\n    currency: str = "EUR"\n\n    def total(self) -> Decimal:\n        return Decimal(self.amount_cents) / 100',
  ],
  rust: [
    'pub fn parse_line(line: &str) -> Result<Record, ParseError> {\n    let mut parts = line.splitn(3, \',\');\n    let id = parts.next().ok_or(ParseError::Missing("id"))?;\n    let name = parts.next().ok_or(ParseError::Missing("name"))?;\n    Ok(Record { id: id.parse()?, name: name.trim().to_owned() })\n}',
    'impl Cache {\n    pub fn get(&self, key: &str) -> Option<&str> {\n        self.entries\n            .get(key)\n            .filter(|e| e.expires > Instant::now())\n            .map(|e| e.value.as_str())\n    }\n}',
  ],
  go: [
    'func Retry(ctx context.Context, attempts int, fn func() error) error {\n\tvar err error\n\tfor i := 0; i < attempts; i++ {\n\t\tif err = fn(); err == nil {\n\t\t\treturn nil\n\t\t}\n\t\tselect {\n\t\tcase <-ctx.Done():\n\t\t\treturn ctx.Err()\n\t\tcase <-time.After(time.Duration(1<<i) * 100 * time.Millisecond):\n\t\t}\n\t}\n\treturn err\n}',
    'func (s *Store) Get(id string) (*Item, error) {\n\ts.mu.RLock()\n\tdefer s.mu.RUnlock()\n\tit, ok := s.items[id]\n\tif !ok {\n\t\treturn nil, ErrNotFound\n\t}\n\treturn it, nil\n}',
  ],
  sh: ['set -euo pipefail\nfor f in migrations/*.sql; do\n  psql "$DATABASE_URL" -f "$f"\ndone'],
  sql: ['SELECT tenant_id, count(*) AS requests\nFROM access_log\nWHERE created_at > now() - interval \'1 hour\'\nGROUP BY tenant_id\nORDER BY requests DESC\nLIMIT 20;'],
};

const LANG_TAG = { ts: 'typescript', py: 'python', rust: 'rust', go: 'go', sh: 'bash', sql: 'sql' };

/** Fill `{topic}` and `{file}` placeholders. */
function fill(t, ctx) {
  return t.replaceAll('{topic}', ctx.topic).replaceAll('{file}', ctx.file);
}

/** Context for one session: which files and topic its text talks about. */
export function sessionContext(rng, project) {
  const files = FILES[project.lang];
  return { topic: rng.pick(TOPICS), file: rng.pick(files), files, lang: project.lang };
}

export function prompt(rng, ctx) {
  return fill(rng.pick(PROMPTS), ctx);
}

export function reasoning(rng, ctx) {
  const r = rng.pick(REASONING);
  return [`${r[0]}\n\n${fill(r[1], ctx)}`];
}

export function commentary(rng, ctx) {
  return fill(rng.pick(['Reading `{file}` first.', 'Running the tests to get a baseline.', 'Applying a small fix to `{file}`.', 'Checking the other callers of {topic}.']), ctx);
}

/** A markdown answer with a heading, bullets and one or two fenced code blocks. */
export function answer(rng, ctx) {
  const code1 = rng.pick(CODE[ctx.lang]);
  const other = rng.pick(['sh', 'sql', ctx.lang]);
  let md = `## What changed\n\nI fixed ${ctx.topic} in \`${ctx.file}\`.\n\n- the failing case now has a regression test\n- behaviour for valid input is unchanged\n- no new dependencies\n\n\`\`\`${LANG_TAG[ctx.lang]}\n${code1}\n\`\`\`\n`;
  if (rng.chance(0.5)) md += `\nTo check it locally:\n\n\`\`\`${LANG_TAG[other]}\n${rng.pick(CODE[other])}\n\`\`\`\n`;
  md += `\n${rng.pick(['Tests pass locally.', 'All 142 tests pass.', 'One unrelated test is still flaky; I left it alone.', 'Let me know if you want the same change in the other services.'])}`;
  return md;
}

const TEST_NAMES = ['parses empty input', 'retries on 503', 'respects the timeout', 'keeps unicode intact', 'handles large pages', 'rejects negative sizes', 'expires cache entries', 'merges config files'];

/** A shell command and plausible output with about `lines` lines. */
export function command(rng, ctx, lines) {
  const kind = rng.int(0, 5);
  const out = [];
  if (kind === 0) {
    const cmd = { ts: 'npm test', py: 'pytest -q', rust: 'cargo test', go: 'go test ./...' }[ctx.lang];
    for (let i = 0; i < lines; i++) out.push(`\u001b[32m✓\u001b[0m ${ctx.files[i % ctx.files.length]} > ${TEST_NAMES[i % TEST_NAMES.length]} (${(i * 7) % 90 + 1} ms)`);
    out.push(`\nTests: ${lines} passed, ${lines} total`);
    return { cmd, output: out.join('\n') + '\n', exit: 0 };
  }
  if (kind === 1) {
    for (let i = 0; i < lines; i++) out.push(`${ctx.files[i % ctx.files.length]}:${10 + i * 3}:    ${fillCode(i)}`);
    return { cmd: `rg -n "${ctx.topic.split(' ').pop()}" .`, output: out.join('\n') + '\n', exit: 0 };
  }
  if (kind === 2) {
    const code = CODE[ctx.lang].join('\n\n').split('\n');
    for (let i = 0; i < lines; i++) out.push(code[i % code.length]);
    return { cmd: `sed -n '1,${lines}p' ${ctx.file}`, output: out.join('\n') + '\n', exit: 0 };
  }
  if (kind === 3) {
    out.push('On branch main', 'Changes not staged for commit:');
    for (let i = 0; i < Math.min(lines, 40); i++) out.push(`\tmodified:   ${ctx.files[i % ctx.files.length]}`);
    return { cmd: 'git status', output: out.join('\n') + '\n', exit: 0 };
  }
  if (kind === 4) {
    for (let i = 0; i < lines; i++) out.push(`${i % 3 === 0 ? 'WARN' : 'INFO'} ${new Date(1767225600000 + i * 1000).toISOString()} worker=${i % 8} ${ctx.topic} step ${i} ok`);
    return { cmd: 'tail -n 200 logs/app.log', output: out.join('\n') + '\n', exit: 0 };
  }
  out.push(`error: ${ctx.topic} check failed`, `  --> ${ctx.file}:42:7`);
  for (let i = 0; i < Math.min(lines, 30); i++) out.push(`   | ${fillCode(i)}`);
  return { cmd: { ts: 'npx tsc --noEmit', py: 'mypy app', rust: 'cargo clippy', go: 'go vet ./...' }[ctx.lang], output: out.join('\n') + '\n', exit: rng.pick([1, 2, 101]) };
}

const SNIPPETS = ['const value = await load(key);', 'return items.filter(Boolean);', 'if err != nil { return err }', 'let parsed = input.trim();', 'raise ValueError("bad input")', 'timeout_ms: 5_000,', 'for (const row of rows) total += row.amount;'];
function fillCode(i) {
  return SNIPPETS[i % SNIPPETS.length];
}

/** One apply_patch file change against the session's files. */
export function patchFiles(rng, ctx) {
  const file = rng.pick(ctx.files);
  if (rng.chance(0.25)) {
    const base = file.replace(/\.[a-z]+$/, '');
    const ext = file.slice(file.lastIndexOf('.'));
    return [{ op: 'add', path: `${base}_helpers${ext}`, content: rng.pick(CODE[ctx.lang]) + '\n' }];
  }
  const code = rng.pick(CODE[ctx.lang]).split('\n');
  const diff = `@@\n ${code[0]}\n-${code[1] ?? ''}\n+${(code[1] ?? '').replace(/\w+/, 'updated')}\n ${code[2] ?? ''}`;
  return [{ op: 'update', path: file, diff, unified: `@@ -1,3 +1,3 @@\n ${code[0]}\n-${code[1] ?? ''}\n+${(code[1] ?? '').replace(/\w+/, 'updated')}\n ${code[2] ?? ''}\n` }];
}

/** Roughly 21 KB of base instructions, like Codex's own (sent once per session meta). */
export const BASE_INSTRUCTIONS = (() => {
  const para = 'You are Codex, a coding agent running in a terminal. You read the repository before changing it, prefer small reviewable edits, run the relevant tests, and explain what you changed and why. ';
  let t = '';
  for (let i = 0; t.length < 21000; i++) t += `## Section ${i + 1}\n\n${para.repeat(3)}\n\n- Keep changes focused.\n- Never commit secrets.\n- Ask before destructive commands.\n\n`;
  return t;
})();

/** About 5 KB of developer instructions (permissions, collaboration mode). */
export const DEVELOPER_TEXT = (() => {
  let t = '<permissions instructions>\nFilesystem sandboxing defines which files can be read or written. `sandbox_mode` is `workspace-write`: you may edit files inside the workspace.\nApprovals: commands outside the sandbox need the user\'s approval.\n</permissions instructions>\n<collaboration_mode>\n';
  while (t.length < 5000) t += 'Work autonomously until the task is done; send short progress notes; finish with a concise summary of the changes and how they were verified.\n';
  return t + '</collaboration_mode>';
})();
