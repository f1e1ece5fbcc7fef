/**
 * One place that knows how the build redacts: a redactor built from the options (or none when
 * `redact: false`), applied to whole values with `redactDeep`. The page redactor is shared by
 * every session page of a build so its per-rule hit counts add up to the build's total.
 */
import { createRedactor, redactDeep } from '../lib/redact/index.ts';
import type { ResolvedOptions } from './options.ts';
import { getState } from './state.ts';

type Redactor = Awaited<ReturnType<typeof createRedactor>>;

/** A function that returns a redacted copy of any value (identity when redaction is off). */
export type Redact = <T>(value: T) => T;

/** Builds a redactor for these options, or null when redaction is off. */
export async function makeRedactor(options: Pick<ResolvedOptions, 'redact' | 'emailAllowlist'>): Promise<Redactor | null> {
  if (!options.redact) return null;
  return createRedactor({ enabled: true, emailAllowlist: options.emailAllowlist });
}

/** Wraps a redactor (or none) as a plain function. */
export function asRedact(redactor: Redactor | null): Redact {
  if (!redactor) return <T>(value: T) => value;
  return <T>(value: T) => redactDeep(value, redactor) as T;
}

/** The build-wide page redactor (created once, on first use). */
export async function pageRedactor(): Promise<Redactor | null> {
  const state = getState();
  state.redactor ??= makeRedactor(state.options);
  return (await state.redactor) as Redactor | null;
}
