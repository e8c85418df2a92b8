/** The loopback ports sandbox network off relays (process/net-relay.ts) and the network setting's rules. */
import { describe, expect, it } from 'vitest';
import { resolveSandbox } from '../../src/core/sandbox.js';
import { loopbackPorts } from '../../src/process/net-relay.js';

describe('network off', () => {
  it('relays every loopback port an env value names, once each; other hosts are not relayed', () => {
    expect(
      loopbackPorts({
        AICODER_MCP_URL: 'http://127.0.0.1:7777/coders/ab12/mcp',
        ANTHROPIC_BASE_URL: 'http://localhost:8123',
        OPENAI_BASE_URL: 'http://[::1]:9000/v1',
        OTHER: 'http://127.0.0.1:7777/x https://api.example.com:443 http://10.0.0.1:80',
        BAD: '127.0.0.1:99999',
      }),
    ).toEqual([7777, 8123]);
  });

  it('create over .aicoder.json over config; off needs bwrap (invalid_input naming network)', () => {
    expect(resolveSandbox({ sandbox: 'bwrap' }, { network: 'off' })).toEqual({
      mode: 'bwrap',
      network: 'off',
    });
    expect(resolveSandbox({ network: 'on' }, { sandbox: 'bwrap', network: 'off' })).toEqual({
      mode: 'bwrap',
      network: 'on',
    });
    expect(() => resolveSandbox({ network: 'off' }, {})).toThrow(/network "off" needs sandbox "bwrap"/);
  });
});
