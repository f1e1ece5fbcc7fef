/**
 * Running a snippet as an unprivileged user, so permission checks can be tested when the
 * tests run as root (root's CAP_DAC_OVERRIDE ignores chmod 000).
 */
import { spawnSync } from 'node:child_process';

/** The `nobody` user and group on Linux. */
export const NOBODY = 65534;

/** True when permission bits do not stop this process (root). */
export function permissionsIgnored(): boolean {
  return process.getuid?.() === 0;
}

/**
 * Run an ES module snippet with this Node as `nobody` and return what it printed, parsed as
 * JSON. The snippet must print exactly one JSON value. Only meaningful when running as root.
 */
export function runAsNobody(code: string): unknown {
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', code], {
    uid: NOBODY,
    gid: NOBODY,
    encoding: 'utf8',
    timeout: 20_000,
  });
  if (result.status !== 0) throw new Error(`snippet failed (${result.status}): ${result.stderr}`);
  return JSON.parse(result.stdout);
}
