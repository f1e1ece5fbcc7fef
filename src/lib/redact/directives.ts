/**
 * Comments that tell a scanner to look away (`secretlint-disable`, `gitleaks:allow`, …).
 * Session text is not ours: a transcript that prints `# secretlint-disable` must not switch
 * redaction off for the rest of it (field notes: it did, with secretlint's core). We scan a copy
 * in which these words are defanged, letter for letter so every offset stays the same; the
 * published text keeps them as they were.
 */

const DIRECTIVE = /secretlint-(?:disable|enable)(?:-next-line|-line)?|gitleaks:allow|pragma:[ \t]*allowlist[ \t]+(?:next)?(?:line)?[ \t]*secret|nosecret|detect-secrets:?[ \t]*(?:ignore|allow)/gi;

/** Same-length copy of `text` in which no scanner directive survives. */
export function defangDirectives(text: string): string {
  return text.replace(DIRECTIVE, (m) => m[0] + m.slice(1).replace(/[A-Za-z]/g, 'x'));
}
