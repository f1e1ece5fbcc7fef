/**
 * The small glob dialect `exclude.cwd` accepts: `*` matches within one path segment, `**` across
 * segments, `?` one character; a pattern without wildcards matches that folder and everything
 * under it. Kept tiny on purpose: cwd values are paths, not file trees.
 */

/** Compiles a cwd pattern to an anchored regular expression. */
export function globToRegExp(pattern: string): RegExp {
  const trimmed = pattern.length > 1 ? pattern.replace(/\/+$/, '') : pattern;
  const hasWildcard = /[*?]/.test(trimmed);
  let source = '';
  for (let i = 0; i < trimmed.length; i++) {
    const ch = trimmed[i]!;
    if (ch === '*') {
      if (trimmed[i + 1] === '*') {
        source += '.*';
        i++;
      } else source += '[^/]*';
    } else if (ch === '?') source += '[^/]';
    else source += ch.replace(/[\\^$.+()|{}[\]]/g, '\\$&');
  }
  // A plain folder also covers its subfolders: excluding `/work/secret` hides `/work/secret/api`.
  return new RegExp(`^${source}${hasWildcard ? '' : '(?:/.*)?'}$`);
}

/** True when `cwd` matches any of the patterns. */
export function matchesAny(cwd: string | null, patterns: readonly RegExp[]): boolean {
  if (cwd === null) return false;
  const normal = cwd.replace(/\\/g, '/').replace(/\/+$/, '') || '/';
  return patterns.some((re) => re.test(normal));
}
