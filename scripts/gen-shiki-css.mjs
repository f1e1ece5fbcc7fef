#!/usr/bin/env node
// Writes src/styles/shiki.css: the class-based colours for highlighted code (the pages' CSP
// forbids shiki's inline styles). Run after upgrading shiki: `npx node scripts/gen-shiki-css.mjs`.
// Node 24 loads the TypeScript module directly; a test fails when the file is stale.
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { shikiCss } from '../src/lib/render/highlight.ts';

const target = fileURLToPath(new URL('../src/styles/shiki.css', import.meta.url));
await writeFile(target, await shikiCss());
console.log(`Wrote ${target}`);
