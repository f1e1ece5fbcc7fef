/**
 * Fake secrets built at run time from pieces, so no literal secret is ever in the repository
 * (push protection and scanners must not see one). Each has a random part we check for leaks.
 */
import { randomInt } from 'node:crypto';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const UPPER2_7 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const HEX = '0123456789abcdef';
const DIGITS = '0123456789';

/** `n` random characters from `alphabet`. */
export const rand = (n: number, alphabet = ALNUM): string => Array.from({ length: n }, () => alphabet[randomInt(alphabet.length)]).join('');
const b64url = (s: string) => Buffer.from(s).toString('base64url');

/** A fake secret: the full text to plant and the random part that must never appear. */
export interface Fake {
  kind: string;
  /** The secret as it would appear in text. */
  value: string;
  /** The random part (what a leak check looks for). */
  random: string;
  /** Text around it that makes it recognisable, with `{}` where the value goes (default `{}`). */
  context?: string;
}

const fake = (kind: string, prefix: string, random: string, suffix = '', context?: string): Fake => ({
  kind,
  value: prefix + random + suffix,
  random,
  context,
});

/** One fake per provider family the redactor must catch. */
export function fakes(): Fake[] {
  const jwtRandom = rand(43, ALNUM + '-_');
  const pemBody = Array.from({ length: 6 }, () => rand(64, ALNUM + '+/')).join('\n');
  const dash = '-'.repeat(5);
  return [
    fake('github', 'gh' + 'p_', rand(36)),
    fake('github-fine-grained', 'github' + '_pat_', rand(22) + '_' + rand(59)),
    fake('aws-access-key', 'AK' + 'IA', rand(16, UPPER2_7)),
    fake('aws-secret', '', rand(40, ALNUM + '/+'), '', 'AWS_SECRET_ACCESS_KEY={}'),
    fake('gitlab', 'gl' + 'pat-', rand(20, ALNUM + '_-')),
    fake('slack', 'xo' + 'xb-', rand(12, DIGITS) + '-' + rand(12, DIGITS) + '-' + rand(24)),
    fake('stripe', 'sk' + '_live_', rand(32)),
    fake('google-api', 'AI' + 'za', rand(35, ALNUM + '_-')),
    fake('openai', 'sk' + '-proj-', rand(74, ALNUM + '_-') + 'T3Blbk' + 'FJ' + rand(74, ALNUM + '_-')),
    fake('anthropic', 'sk' + '-ant-api03-', rand(93, ALNUM + '_-'), 'AA'),
    fake('jwt', b64url('{"alg":"HS256","typ":"JWT"}') + '.' + b64url(`{"sub":"${rand(8)}","name":"x"}`) + '.', jwtRandom),
    fake('npm', 'np' + 'm_', rand(36)),
    fake('pypi', 'pypi-AgEIcHlwaS5' + 'vcmc', rand(70, ALNUM + '_-')),
    fake('twilio', 'S' + 'K', rand(32, HEX)),
    fake('sendgrid', 'S' + 'G.', rand(22, ALNUM + '_-') + '.' + rand(43, ALNUM + '_-')),
    fake('azure-storage', '', rand(86, ALNUM + '+/') + '==', '', 'DefaultEndpointsProtocol=https;AccountName=acct;AccountKey={};EndpointSuffix=core.windows.net'),
    {
      kind: 'private-key',
      value: `${dash}BEGIN RSA PRIV` + `ATE KEY${dash}\n${pemBody}\n${dash}END RSA PRIV` + `ATE KEY${dash}`,
      random: pemBody.split('\n')[2]!,
    },
    fake('env-password', '', rand(14), '', 'DB_PASSWORD={}'),
    fake('yaml-secret', '', rand(18), '', 'client_secret: {}'),
    fake('json-token', '', rand(24), '', '{"access_token": "{}"}'),
    fake('url-password', '', rand(16), '', 'postgres://app:{}@db.internal:5432/main'),
    fake('bearer', '', rand(40, ALNUM + '._-'), '', 'curl -H "Authorization: Bearer {}" https://api.internal/v1'),
    fake('basic', '', Buffer.from('user:' + rand(12)).toString('base64'), '', 'Authorization: Basic {}'),
    fake('cookie', '', rand(32), '', 'Set-Cookie: session={}; Path=/; HttpOnly'),
  ];
}

/** The text a fake is planted as (its context with the value in place). */
/** The GitHub token fake, the one most tests plant. */
export const githubFake = (): Fake => fakes().find((f) => f.kind === 'github')!;

export const planted = (f: Fake): string => (f.context ?? '{}').replace('{}', f.value);

/** Every substring of 8+ characters of `random` that appears in `text` (none = no leak). */
export function leaks(text: string, random: string): string[] {
  const found: string[] = [];
  for (let i = 0; i + 8 <= random.length; i++) {
    const piece = random.slice(i, i + 8);
    if (text.includes(piece)) found.push(piece);
  }
  return found;
}
