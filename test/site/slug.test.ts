import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { projectSlug, sessionSlug } from '../../src/integration/utils/slug.ts';
import { paths } from '../../src/integration/utils/urls.ts';

describe('sessionSlug', () => {
  it('keeps Codex ids as they are', () => {
    expect(sessionSlug('019ade9d-d532-74ac-91e1-42026f987f4c')).toBe('019ade9d-d532-74ac-91e1-42026f987f4c');
  });

  it('never lets an id escape its folder', () => {
    for (const id of ['../../etc/x', '..', '.', '/etc/passwd', 'a/../../b', '..\\..\\win', '', 'CON', '%2e%2e%2f']) {
      const slug = sessionSlug(id);
      expect(slug).toMatch(/^[A-Za-z0-9_-]+$/);
      const file = path.resolve('/out', paths.session(id), 'index.html');
      expect(file.startsWith('/out/s/')).toBe(true);
    }
  });

  it('keeps different ids apart and stays short', () => {
    expect(sessionSlug('a/b')).not.toBe(sessionSlug('a-b'));
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (id) => {
        const slug = sessionSlug(id);
        expect(slug).toMatch(/^[A-Za-z0-9_-]{1,80}$/);
        expect(path.resolve('/out/s', slug).startsWith('/out/s/')).toBe(true);
      }),
    );
  });
});

describe('projectSlug', () => {
  it('is readable, lower-case and unique per project', () => {
    expect(projectSlug('github.com/Acme/API')).toMatch(/^github-com-acme-api-[0-9a-f]{8}$/);
    expect(projectSlug('/home/me/Code')).not.toBe(projectSlug('/home/me/code'));
    expect(projectSlug('///')).toMatch(/^project-[0-9a-f]{8}$/);
  });
});
