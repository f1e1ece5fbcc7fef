import { describe, expect, it } from 'vitest';
import { depthOf, href, paths, rootPrefix } from '../../src/integration/utils/urls.ts';

describe('relative links', () => {
  it('climbs from any depth and ends folders in index.html', () => {
    expect(href('', '')).toBe('index.html');
    expect(href('', 'search/')).toBe('search/index.html');
    expect(href('s/abc/', '')).toBe('../../index.html');
    expect(href('s/abc/', paths.day('2026', '05', '14'))).toBe('../../2026/05/14/index.html');
    expect(href('2026/05/14/', paths.year('2025'))).toBe('../../../2025/index.html');
    expect(href('projects/x-1/2/', paths.projects())).toBe('../../../projects/index.html');
  });

  it('links files as they are and keeps fragments', () => {
    expect(href('s/abc/', '_assets/img/x.png')).toBe('../../_assets/img/x.png');
    expect(href('s/abc/', 's/def/#item-3')).toBe('../../s/def/index.html#item-3');
  });

  it('never produces an absolute link', () => {
    for (const to of ['/', '/search/', 'ui/site.js']) expect(href('2026/', to).startsWith('/')).toBe(false);
  });

  it('knows each page depth', () => {
    expect(depthOf('')).toBe(0);
    expect(rootPrefix('2026/05/')).toBe('../../');
    expect(paths.project('github.com/a/b', 1)).toMatch(/^projects\/github-com-a-b-[0-9a-f]{8}\/$/);
    expect(paths.project('github.com/a/b', 3)).toMatch(/\/3\/$/);
  });
});
