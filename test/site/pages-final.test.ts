/**
 * The message that lets scripts/build.mjs start the verifier before the Astro process ends
 * (pages-final.ts): it arrives over the IPC channel, and a parent that is gone fails nothing.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isPagesFinal } from '../../src/integration/pages-final.ts';
import { projectRoot } from './build-once.ts';

const module = path.join(projectRoot, 'src', 'integration', 'pages-final.ts');
const script = `import(${JSON.stringify(module)}).then(({ sendPagesFinal }) => {
  const send = () => sendPagesFinal({ rendered: 3, redacted: true, emailAllowlist: ['@corp.dev'], cacheDir: '/c' });
  if (process.argv.includes('after-disconnect')) process.once('disconnect', () => { send(); console.log('sent'); });
  else send();
});`;

/** Runs the script in a child with an IPC channel; `disconnect`: the parent lets go of it first. */
function run(disconnect: boolean): Promise<{ code: number | null; messages: unknown[]; output: string }> {
  return new Promise((resolve) => {
    const args = ['--input-type=module', '-e', script, ...(disconnect ? ['after-disconnect'] : [])];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    const messages: unknown[] = [];
    let output = '';
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    child.on('message', (m) => messages.push(m));
    if (disconnect) child.disconnect();
    child.on('exit', (code) => resolve({ code, messages, output }));
  });
}

describe('pages-final message', () => {
  it('reaches the parent, and only it is taken for the message', async () => {
    const { code, messages } = await run(false);
    expect(code).toBe(0);
    expect(messages).toHaveLength(1);
    expect(isPagesFinal(messages[0])).toBe(true);
    expect(messages[0]).toMatchObject({ rendered: 3, redacted: true, emailAllowlist: ['@corp.dev'], cacheDir: '/c' });
    expect(isPagesFinal({ type: 'something else' })).toBe(false);
    expect(isPagesFinal(null)).toBe(false);
  });

  it('fails nothing when the parent has let go of the channel', async () => {
    const { code, messages, output } = await run(true);
    expect(output.trim()).toBe('sent');
    expect(code).toBe(0);
    expect(messages).toEqual([]);
  });
});
