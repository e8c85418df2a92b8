/**
 * docs/mcp.md is generated (npm run docs) from the built server (dist/: `npm test` builds first);
 * this fails when the file is out of date, or when a documented example no longer fits its tool.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ZodTypeAny } from 'zod';
import { SUPPORTED_PROTOCOL_VERSIONS as SDK_VERSIONS } from '@modelcontextprotocol/sdk/types.js';
import { TOOL_EXAMPLES, TOOL_NAMES } from '../../src/mcp/index.js';
import { SUPPORTED_PROTOCOL_VERSIONS } from '../../src/mcp/identity.js';
import * as s from '../../src/mcp/schemas.js';

const SCHEMAS: Record<string, { input: ZodTypeAny; output: ZodTypeAny }> = {
  ai_coder_create: { input: s.createInput, output: s.compactCoderSchema },
  ai_coder_list: { input: s.listInput, output: s.listOutput },
  ai_coder_control: { input: s.controlInput, output: s.controlOutput },
  ai_coder_status: { input: s.statusInput, output: s.statusOutput },
  ai_coder_workspace: { input: s.workspaceInput, output: s.workspaceOutput },
  ai_coder_logs: { input: s.logsInput, output: s.logsOutput },
};

describe('docs/mcp.md', () => {
  it('is what scripts/gen-mcp-docs.mjs renders', async () => {
    const gen = (await import(new URL('../../scripts/gen-mcp-docs.mjs', import.meta.url).href)) as {
      renderMcpDocs: () => Promise<string>;
      DOC_PATH: string;
    };
    const expected = await gen.renderMcpDocs();
    expect(expected).toContain('claude mcp add --transport http aicoder http://127.0.0.1:7777/mcp');
    expect(expected).toContain('"alwaysLoad": true');
    expect(expected).toContain('required = true');
    expect(expected).toContain('[mcp_servers.aicoder]');
    expect(expected).toContain('"httpUrl": "http://127.0.0.1:7777/mcp"');
    expect(expected).toContain('"args": ["mcp"]');
    for (const name of TOOL_NAMES) expect(expected).toContain(`### ${name}\n`);
    expect(expected).not.toContain('$ref');
    const actual = readFileSync(gen.DOC_PATH, 'utf8');
    // On a mismatch: `npm run build && npm run docs`.
    expect(actual === expected, 'docs/mcp.md is out of date: run `npm run build && npm run docs`').toBe(true);
  });

  it('ships the tools/list answer the server gives, for the stdio bridge', async () => {
    const gen = (await import(new URL('../../scripts/gen-mcp-docs.mjs', import.meta.url).href)) as {
      renderToolsSnapshot: () => Promise<string>;
      SNAPSHOT_PATH: string;
    };
    const actual = readFileSync(gen.SNAPSHOT_PATH, 'utf8');
    expect(
      actual === (await gen.renderToolsSnapshot()),
      'src/mcp/tools-snapshot.ts is out of date: run `npm run build && npm run docs && npm run build`',
    ).toBe(true);
    expect(SUPPORTED_PROTOCOL_VERSIONS).toEqual(SDK_VERSIONS);
  });

  it('has an example per tool that fits its input and output schemas', () => {
    expect(new Set(TOOL_EXAMPLES.map((e) => e.tool))).toEqual(new Set(TOOL_NAMES));
    for (const ex of TOOL_EXAMPLES) {
      const schemas = SCHEMAS[ex.tool]!;
      const input = schemas.input.safeParse(ex.arguments);
      expect(input.success, `${ex.tool} example arguments: ${JSON.stringify(input.error?.issues)}`).toBe(
        true,
      );
      const output = schemas.output.safeParse(ex.result);
      expect(output.success, `${ex.tool} example result: ${JSON.stringify(output.error?.issues)}`).toBe(true);
    }
  });
});
