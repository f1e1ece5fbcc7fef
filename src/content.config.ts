/**
 * One collection: `sessions`, one entry per Codex session, holding its SUMMARY only (see
 * src/integration/loader.ts for why). Options reach the loader from the integration.
 */
import { defineCollection } from 'astro:content';
import { codexArchiveLoader } from './integration/loader.ts';

export const collections = {
  sessions: defineCollection({ loader: codexArchiveLoader() }),
};
