import { defineConfig } from 'vitest/config';

// One runner for everything: unit tests over src/lib, component tests through Astro's
// container API, and browser tests that build the fixtures and drive headless Chromium.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 300_000,
  },
});
