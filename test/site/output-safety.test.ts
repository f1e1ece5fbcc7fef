import { describe, expect, it } from 'vitest';
import { checkOutputFolder } from '../../src/integration/utils/output-safety.ts';

const base = { projectRoot: '/home/me/archive', home: '/home/me', sources: ['/home/me/.codex'] };

describe('checkOutputFolder', () => {
  it('accepts a folder of its own', () => {
    expect(checkOutputFolder({ ...base, out: '/home/me/archive/dist' })).toEqual([]);
    expect(checkOutputFolder({ ...base, out: '/tmp/site' })).toEqual([]);
  });

  it('refuses the root, the home folder, the project root and sources', () => {
    expect(checkOutputFolder({ ...base, out: '/' })).toContain('/ is the file-system root.');
    expect(checkOutputFolder({ ...base, out: '/home/me' })).toContain('/home/me is your home folder.');
    expect(checkOutputFolder({ ...base, out: '/home' })).toContain('/home contains your home folder.');
    expect(checkOutputFolder({ ...base, out: '/home/me/archive' })).toContain('/home/me/archive is the project root.');
    expect(checkOutputFolder({ ...base, out: '/home/me/.codex' })).toContain('/home/me/.codex is a source folder.');
    expect(checkOutputFolder({ ...base, out: '/home/me/.codex/sessions/site' })).toContain(
      '/home/me/.codex/sessions/site lies inside the source folder /home/me/.codex.',
    );
    expect(checkOutputFolder({ ...base, sources: ['/data/x/codex'], out: '/data/x' })).toContain(
      '/data/x contains the source folder /data/x/codex.',
    );
  });
});
