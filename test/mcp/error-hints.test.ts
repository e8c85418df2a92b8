/** The next step an MCP error result names (src/mcp/errors.ts), for the cases that depend on the field. */
import { describe, expect, it } from 'vitest';
import { AicoderError } from '../../src/core/errors.js';
import { errorResult } from '../../src/mcp/errors.js';

const ctx = { providers: () => ['claude', 'codex'] };
const text = (e: AicoderError) => {
  const r = errorResult(e, ctx, () => undefined, 'ai_coder_create');
  return r.content[0]!.type === 'text' ? r.content[0]!.text : '';
};

describe('MCP error hints', () => {
  it('a create refused for a group member names that member and does not say to create again', () => {
    const t = text(
      new AicoderError('not_supported', "provider 'sh' cannot take role 'reviewer'", {
        field: 'agents[1].provider',
      }),
    );
    expect(t).toContain('agents[1].provider');
    expect(t).not.toContain('start a new coder');
  });

  it('an action a coder cannot do still points to a new coder', () => {
    expect(text(new AicoderError('not_supported', 'codex cannot pause'))).toContain(
      'start a new coder with ai_coder_create',
    );
  });
});
