/**
 * The bridge between Astro's content store and the pure index: reads the `sessions`
 * collection once per render process and builds the index in the configured time zone.
 */
import { getCollection } from 'astro:content';
import { getState } from '../state.ts';
import { buildArchiveIndex, type ArchiveIndex } from './archive.ts';

let cached: Promise<ArchiveIndex> | null = null;

/** The archive index for this build (memoised: every page asks for it). */
export function archiveIndex(): Promise<ArchiveIndex> {
  cached ??= getCollection('sessions').then((entries) =>
    buildArchiveIndex(
      entries.map((e) => e.data),
      getState().options.timeZone,
    ),
  );
  return cached;
}

/** Site options pages show (title, time zone), and whether this is `astro dev`. */
export function siteOptions(): { title: string; timeZone: string; demo: boolean; dev: boolean } {
  const { options, command } = getState();
  return { title: options.title, timeZone: options.timeZone, demo: options.demo, dev: command === 'dev' };
}
