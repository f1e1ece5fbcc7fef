import { describe, expect, it } from 'vitest';
import { createRedactor, createRedactorSync, placeholder, PLACEHOLDER_RE } from '../../src/lib/redact/index.ts';
import { fakes, leaks, planted, rand } from './fake.ts';

const options = { homeDir: null, userName: null } as const;

describe('redact: every rule family', async () => {
  const redactor = await createRedactor(options);
  for (const f of fakes()) {
    it(`hides ${f.kind}`, () => {
      const text = `step 3: ran it\n${planted(f)}\nthen more output`;
      const out = redactor.redact(text);
      expect(leaks(out, f.random)).toEqual([]);
      expect(out).toMatch(PLACEHOLDER_RE);
      expect(out.startsWith('step 3: ran it\n')).toBe(true);
      expect(out.endsWith('\nthen more output')).toBe(true);
    });
  }
});

describe('redact', () => {
  const r = createRedactorSync(options);

  it('keeps keys, users and hosts readable', () => {
    const pass = rand(16);
    expect(r.redact(`export API_TOKEN=${pass}`)).toBe('export API_TOKEN=[REDACTED:assignment]');
    expect(r.redact(`postgres://app:${pass}@db.internal:5432/main`)).toMatch(/^postgres:\/\/app:\[REDACTED:[a-z0-9-]+\]@db\.internal:5432\/main$/);
    expect(r.redact(`"password": "${pass}"`)).toBe('"password": "[REDACTED:assignment]"');
  });

  it('leaves ordinary text alone', () => {
    const text = [
      'input_tokens: 1234, max_tokens=4096, cached_input_tokens: 0',
      'author: Jane; password: string; token?: string | null',
      'const token = getToken(); if (config.password) return;',
      'The auth flow uses OAuth; see the README for the API key setup.',
      'git@github.com:owner/repo.git and icon@2x.png and user@example.com',
      'PASSWORD=${DB_PASSWORD} TOKEN=$GITHUB_TOKEN',
    ].join('\n');
    expect(r.redact(text)).toBe(text);
  });

  it('cannot be switched off by directives inside the text', () => {
    const secret = 'gh' + 'p_' + rand(36);
    const stripe = 'sk' + '_live_' + rand(32);
    for (const directive of [
      '# secretlint-disable',
      '// secretlint-disable-next-line',
      '/* secretlint-disable-line */',
      '<!-- secretlint-disable -->',
      '# gitleaks:allow',
      '# pragma: allowlist secret',
    ]) {
      const text = `${directive}\nconst a = "${secret}"; const b = "${stripe}" ${directive}\n`;
      const out = r.redact(text);
      expect(out).not.toContain(secret.slice(4, 20));
      expect(out).not.toContain(stripe.slice(8, 24));
      expect(out).toContain(directive); // the directive itself is published as written
    }
  });

  it('finds secrets in JSON inside JSON strings', () => {
    const key = rand(24);
    const gh = 'gh' + 'p_' + rand(36);
    const args = JSON.stringify({ cmd: `export API_KEY="${key}" && gh auth login --with-token ${gh}` });
    const outer = JSON.stringify({ type: 'function_call', arguments: args });
    const out = r.redact(outer);
    expect(leaks(out, key)).toEqual([]);
    expect(leaks(out, gh.slice(4))).toEqual([]);
    expect(() => JSON.parse(JSON.parse(out).arguments)).not.toThrow();
    const pem = ['-----BEGIN OPENSSH PRIV' + 'ATE KEY-----', rand(70), rand(70), '-----END OPENSSH PRIV' + 'ATE KEY-----'].join('\n');
    const escaped = JSON.stringify({ output: `cat id_ed25519\n${pem}\n` });
    const out2 = r.redact(escaped);
    expect(out2).toBe(JSON.stringify({ output: 'cat id_ed25519\n[REDACTED:private-key]\n' }));
  });

  it('hides a whole token of a known format whatever ends it', () => {
    const key = 'sk' + '-proj-' + rand(60) + 'T3Blbk' + 'FJ' + rand(60) + '-';
    expect(r.redact(`OPENAI ${key}\n`)).toBe('OPENAI [REDACTED:prefixed-token]\n');
    expect(r.redact('see sk-learn-docs-and-other-things-here')).toBe('see sk-learn-docs-and-other-things-here');
  });

  it('leaves no fragment of a secret cut by truncation', () => {
    const gh = 'gh' + 'p_' + rand(36);
    const half = gh.slice(0, 20);
    expect(r.redact(`token ${half}… [truncated 2000 bytes]`)).toBe('token [REDACTED:cut-token]… [truncated 2000 bytes]');
    expect(r.redact(`the key is ${half}`)).toBe('the key is [REDACTED:cut-token]');
    const pass = rand(30);
    expect(r.redact(`export SECRET_KEY="${pass.slice(0, 12)}`)).toBe('export SECRET_KEY="[REDACTED:assignment]');
    const pem = '-----BEGIN PRIV' + 'ATE KEY-----\n' + rand(64) + '\n' + rand(20);
    expect(r.redact(`here:\n${pem}`)).toBe('here:\n[REDACTED:private-key]');
    const escapedCut = JSON.stringify(`here:\n${pem}…`).slice(0, 60);
    expect(r.redact(escapedCut)).toBe('"here:\\n[REDACTED:private-key]');
  });

  it('hides the tail of a key whose BEGIN line was cut away, and nothing above it', () => {
    const body = [rand(64), rand(64), rand(30) + '=='];
    const end = '-----END PRIV' + 'ATE KEY-----';
    // The head of an output kept, its middle (with BEGIN) left out by outputChars, its tail kept.
    const gap = '\uFDD0812:14\uFDD0';
    const cut = `$ cat key.pem\n-----BEGIN PRIV` + `ATE KEY-----\n${rand(64)}\n${gap}\n${body.join('\n')}\n${end}\ndone`;
    const out = r.redact(cut);
    for (const line of body) expect(out).not.toContain(line.slice(0, 8));
    expect(out).toMatch(/^\$ cat key\.pem\n\[REDACTED:private-key\]/);
    expect(out.endsWith('[REDACTED:private-key]\ndone')).toBe(true);
    // Only the tail: what precedes the base64 lines stays.
    expect(r.redact(`ls -l\n${gap}\n${body.join('\n')}\n${end}`)).toBe(`ls -l\n${gap}\n[REDACTED:private-key]`);
    // JSON-escaped, as raw records carry it.
    const escaped = JSON.stringify(`tail:\n${body.join('\n')}\n${end}\n`);
    const hidden = r.redact(escaped);
    for (const line of body) expect(hidden).not.toContain(line.slice(0, 8));
    expect(hidden).toBe('"tail:\\n[REDACTED:private-key]\\n"');
    // An END line with nothing key-like above it hides nothing.
    expect(r.redact(`echo "${end}"`)).toBe(`echo "${end}"`);
  });

  it('is idempotent and never rewrites a placeholder', () => {
    const text = `a ${'gh' + 'p_' + rand(36)} b password=${rand(12)} c alice@corp.example.io`;
    const once = r.redact(text);
    expect(r.redact(once)).toBe(once);
    const placeholders = ['assignment', 'github-pat', 'generic-api-key', 'private-key', 'email', 'user-name', 'secretlint-github'].map(placeholder);
    const all = placeholders.map((p) => `token=${p} Authorization: Bearer ${p} "password": "${p}" ${p}…`).join('\n');
    expect(r.redact(all)).toBe(all);
  });

  it('counts hits per rule, never values', () => {
    const r2 = createRedactorSync(options);
    r2.redact(`A_TOKEN=${rand(20)} B_TOKEN=${rand(20)}`);
    expect(r2.hits.get('assignment')).toBe(2);
    expect(JSON.stringify([...r2.hits])).not.toMatch(/[A-Za-z0-9]{20}/);
    r2.resetHits();
    expect(r2.hits.size).toBe(0);
  });

  it('is the identity when disabled', async () => {
    const off = await createRedactor({ enabled: false });
    const text = `password=${rand(12)} ${'gh' + 'p_' + rand(36)}`;
    expect(off.redact(text)).toBe(text);
  });
});

describe('home folder, user name, e-mail', () => {
  it('shows the home folder as ~ and hides the user name as a word', () => {
    const r = createRedactorSync({ homeDir: '/home/alice', userName: 'alice' });
    expect(r.redact('cd /home/alice/src/app && ls /home/alice')).toBe('cd ~/src/app && ls ~');
    expect(r.redact('/home/alicebob/x stays')).toBe('/home/alicebob/x stays');
    expect(r.redact('Hi alice, alice_dev and malice stay')).toBe('Hi [REDACTED:user-name], alice_dev and malice stay');
  });

  it('hides addresses except reserved domains, SSH remotes and the allowlist', () => {
    const r = createRedactorSync({ ...options, emailAllowlist: ['bot@corp.io', '@public.org'] });
    expect(r.redact('mail jane.doe@corp.io or 12345+jane@users.noreply.github.com')).toBe('mail [REDACTED:email] or [REDACTED:email]');
    expect(r.redact('bot@corp.io, team@public.org, a@lists.public.org, user@example.com, git@gitlab.com:x/y')).toBe(
      'bot@corp.io, team@public.org, a@lists.public.org, user@example.com, git@gitlab.com:x/y',
    );
  });
});

describe('placeholders', () => {
  it('no placeholder of any rule matches a rule, alone or in context', async () => {
    const { createDetectors } = await import('../../src/lib/redact/index.ts');
    const { scanText } = await import('../../src/lib/redact/verify.ts');
    const ids = createDetectors(options).ruleIds;
    const r = createRedactorSync({ homeDir: '/home/alice', userName: 'alice' });
    for (const id of [...ids.secretlint, ...ids.gitleaks, ...ids.own]) {
      const p = placeholder(id);
      const text = `${p}\nAPI_KEY=${p} "token": "${p}" Authorization: Bearer ${p} postgres://u:${p}@h/x ${p}…`;
      expect(r.redact(text), id).toBe(text);
      expect(scanText(text, 'x.txt'), id).toEqual([]);
    }
  });
});

describe('redact: passwords on command lines and in credential files', () => {
  const r = createRedactorSync(options);
  const pw = rand(14);
  const secret = rand(40, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/');
  const key = 'AK' + 'IA' + rand(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567');

  it.each([
    ['mysql, glued', `mysql -u root -p${pw} shop`, 'mysql -u root -p[REDACTED:command-password] shop'],
    ['mysql, quoted with spaces', `mysql -u root -p'${pw} and more' shop`, "mysql -u root -p'[REDACTED:command-password]' shop"],
    ['oc login', `oc login https://api.example.com:6443 -u dev -p ${pw}`, 'oc login https://api.example.com:6443 -u dev -p [REDACTED:command-password]'],
    ['an AWS secret beside an id hidden by an earlier pass', `[REDACTED:aws-access-token],${secret}`, '[REDACTED:aws-access-token],[REDACTED:aws-secret-key]'],
    ['mysqldump, quoted', `mysqldump -h db -p"${pw}" shop > dump.sql`, 'mysqldump -h db -p"[REDACTED:command-password]" shop > dump.sql'],
    ['sshpass', `sshpass -p '${pw}' ssh deploy@host`, "sshpass -p '[REDACTED:command-password]' ssh deploy@host"],
    ['docker login', `docker login -u bot -p ${pw} registry.example.com`, 'docker login -u bot -p [REDACTED:command-password] registry.example.com'],
    ['.netrc on one line', `machine api.example.com login bob password ${pw}`, 'machine api.example.com login bob password [REDACTED:command-password]'],
    ['.netrc, a line of its own', `machine api.example.com\n  login bob\n  password ${pw}\n`, 'machine api.example.com\n  login bob\n  password [REDACTED:command-password]\n'],
    ['credentials.csv', `User name,Access key ID,Secret access key\nci,${key},${secret}`, 'User name,Access key ID,Secret access key\nci,[REDACTED:aws-access-token],[REDACTED:aws-secret-key]'],
    ['an AWS secret after its key id and a label', `aws ${key} key ${secret} ok`, 'aws [REDACTED:aws-access-token] key [REDACTED:aws-secret-key] ok'],
    ['a URL with no user', `redis://:${pw}@cache:6379/0`, 'redis://:[REDACTED:url-password]@cache:6379/0'],
  ])('hides %s', (_name, text, expected) => {
    expect(r.redact(text)).toBe(expected);
  });

  it.each([
    'mysql -u root -p shop',
    'mysql -P 3306 -h db.internal shop',
    'docker run -p 8080:80 nginx',
    'ssh -p 2222 deploy@host',
    'password reset flow is broken again',
    'the password field is empty',
  ])('leaves %j alone', (text) => {
    expect(r.redact(text)).toBe(text);
  });
});

describe('redact: the default home folder', () => {
  const withHome = <T>(home: string, f: () => T): T => {
    const saved = process.env.HOME;
    process.env.HOME = home; // os.homedir() reads HOME first
    try {
      return f();
    } finally {
      process.env.HOME = saved;
    }
  };

  it('shows a personal home as ~', () => {
    expect(withHome('/home/alice-k', () => createRedactorSync({ userName: null }).redact('cd /home/alice-k/src/app'))).toBe('cd ~/src/app');
  });

  it('leaves /root and other homes that name no one, such as multi-agent paths under /root', () => {
    for (const home of ['/root', '/home/runner']) {
      const text = `spawned ${home}/repo_check from ${home}`;
      expect(withHome(home, () => createRedactorSync({ userName: null }).redact(text)), home).toBe(text);
    }
    expect(createRedactorSync({ homeDir: '/root', userName: null }).redact('cd /root/app')).toBe('cd ~/app');
  });
});
