// @ts-check
import { defineConfig } from 'astro/config';
import codexArchive from './src/integration/index.ts';

// The site is static and every internal link is relative (see src/integration/utils/urls.ts),
// so the same dist/ works from file://, from a local server and under any base path. `site`
// and `base` are Astro's own options; set them when you publish (e.g. GitHub Pages project
// sites live under /<repo>/), or pass --base to the build.
export default defineConfig({
  integrations: [
    codexArchive({
      // sources: ['~/.codex'],          // default: $CODEX_ARCHIVE_SOURCES, $CODEX_HOME, ~/.codex, else the demo
      // title: 'Codex archive',
      // timeZone: 'UTC',                // IANA name; decides which day a session is filed under
      // exclude: { ids: [], cwd: [] },  // excluded sessions leave no trace in the output
      // redact: true,
      // emailAllowlist: [],
    }),
  ],
  build: {
    format: 'directory',
    inlineStylesheets: 'never',
  },
  trailingSlash: 'ignore',
  devToolbar: { enabled: false },
});
