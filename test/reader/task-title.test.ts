/**
 * A v2 sub-agent's title comes from its parent's task message (session-facts.ts `taskOf`): the
 * payload when it is readable, the task's name when it is encrypted, never the envelope's field
 * names (corpus/codex-0.169.0 writes `Message Type: NEW_TASK ...`).
 */
import { describe, expect, it } from 'vitest';
import { ENCRYPTED_MESSAGE, taskOf } from '../../src/lib/normalise/session-facts.ts';

describe('a sub-agent task message', () => {
  it('is its payload when the payload is readable', () => {
    expect(taskOf('Message Type: NEW_TASK\nTask name: /root/tests\nSender: /root\nPayload:\nRun the unit tests and report failures.')).toBe(
      'Run the unit tests and report failures.',
    );
  });

  it("is the task's name when the payload is encrypted or empty", () => {
    expect(taskOf(`Message Type: NEW_TASK\nTask name: /root/repo_check\nSender: /root\nPayload:\n${ENCRYPTED_MESSAGE}`)).toBe('Sub-agent task /root/repo_check');
    expect(taskOf('Message Type: NEW_TASK\nTask name: /root/repo_check\nSender: /root\nPayload:\n')).toBe('Sub-agent task /root/repo_check');
  });

  it('is left as it is without the envelope', () => {
    expect(taskOf('Check the repository and report back.')).toBe('Check the repository and report back.');
    expect(taskOf('Message Type: NEW_TASK but no fields')).toBe('Message Type: NEW_TASK but no fields');
  });
});
