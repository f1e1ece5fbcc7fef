/// <reference types="vitest/config" />
import { getViteConfig } from 'astro/config';

// Component tests import `.astro` files, which only Astro's Vite plugins can compile; the shared
// `vitest.config.ts` has none. This config runs just those tests, and can be listed as a project
// of the shared config (`test.projects: ['./vitest.components.config.ts', …]`).
export default getViteConfig(
  {
    test: {
      name: 'components',
      include: ['test/components/**/*.test.ts'],
      testTimeout: 30_000,
    },
  },
  // configFile false: the site's astro.config.mjs runs integrations (the archive loader) that
  // component tests do not need and that would fail without a Codex home.
  { configFile: false, logLevel: 'warn' },
);
