/**
 * The aider parser on lines in Aider's documented plain-text format. UNVERIFIED against a real Aider
 * (Python; not installable here), so these lines are written by hand, not recorded.
 */
import { describe, expect, test } from 'vitest';
import { createAiderParser } from '../../../src/providers/aider.js';
import { fold } from './aggregate.js';

const parse = (lines: string[]) => fold(createAiderParser(), lines);

describe('aider parser (unverified format)', () => {
  test('status lines, the answer, an applied edit, a commit and a token/cost line', () => {
    const f = parse([
      'Aider v0.86.1',
      'Main model: claude-sonnet-4-5 with diff edit format',
      'Git repo: .git with 3 files',
      'I will create hello.txt.',
      'hello.txt',
      'Applied edit to hello.txt',
      'Commit 1a2b3c4 feat: add hello.txt',
      'Tokens: 2.4k sent, 215 received. Cost: $0.0097 message, $0.0097 session.',
    ]);
    expect(f.kinds).toEqual(['status', 'status', 'status', 'text', 'text', 'file_change', 'status', 'usage']);
    expect(f.events[5]!.text).toBe('edit hello.txt');
    expect([f.turns, f.tokens_in, f.tokens_out, f.cost_usd]).toEqual([1, 2400, 215, 0.0097]);
    expect(f.last_message).toBe('hello.txt');
    expect(f.outcome).toBeUndefined();
  });

  test('a non-retryable API error carries a failed outcome (Aider exits 0 anyway); a retryable one does not', () => {
    const auth =
      'litellm.AuthenticationError: AnthropicException - {"type":"error","error":{"message":"invalid x-api-key"}}';
    const f = parse(['litellm.RateLimitError: rate limited', 'Retrying in 0.2 seconds...', auth]);
    expect(f.events.map((e) => e.kind)).toEqual(['error', 'status', 'error']);
    expect(f.events[0]!.outcome).toBeUndefined();
    expect(f.outcome).toEqual({ ok: false, reason: auth });
  });

  test('stderr lines never become the last message', () => {
    const f = fold(createAiderParser(), ['some warning text'], 'stderr');
    expect(f.last_message).toBeUndefined();
  });
});
