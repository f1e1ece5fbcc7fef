/// <reference types="vitest/config" />
import { getViteConfig } from 'astro/config';

// Component tests import `.astro` files, which only Astro's Vite plugins can compile; the shared
// `vitest.config.ts` has none. This config runs just the render and component tests with them.
export default getViteConfig(
  {
    test: {
      include: ['test/render/**/*.test.ts', 'test/components/**/*.test.ts'],
      testTimeout: 30_000,
    },
  },
  // configFile false: the site's astro.config.mjs runs integrations (the archive loader) that
  // component tests do not need and that would fail without a Codex home.
  { configFile: false, logLevel: 'warn' },
);
