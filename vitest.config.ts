import { defineConfig } from 'vitest/config';

// One `npm test` for everything: unit tests over src/lib, the reader against the real corpus,
// site and browser tests (plain Node), and component tests, which need Astro's Vite plugins
// and so run as their own project (vitest.components.config.ts).
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 300_000,
    // The JSON report lets .ci/run print a plain "N passed, N failed" closing line.
    reporters: ['default', 'json'],
    outputFile: { json: '.cache/vitest-results.json' },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/components/**', '**/node_modules/**'],
        },
      },
      './vitest.components.config.ts',
    ],
  },
});
