/**
 * Every field of every surface holds the contract's limits (src/protocol): for each field of the
 * create input, values at and just past each limit (and of the wrong type) are given to REST's body
 * validation, the MCP tool (SDK client over the in-memory transport), core's validateCreate and the
 * CLI's `create` options (in-process, with a client that only records). All must accept the same
 * values and refuse the others with the same "<field> <rule>" message. A limit changed on one surface
 * only makes a surface disagree here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { CommanderError } from 'commander';
import { z, type ZodTypeAny } from 'zod';
import type { DaemonClient } from '../../src/client/types.js';
import { buildProgram } from '../../src/cli/main.js';
import { optionOf } from '../../src/cli/create-input.js';
import type { CliContext } from '../../src/cli/context.js';
import type { Output } from '../../src/cli/output.js';
import type { CreateCoderInput } from '../../src/core/api.js';
import { isAicoderError } from '../../src/core/errors.js';
import { validateCreate } from '../../src/core/validate.js';
import { createSchema, controlSchema, parseWith } from '../../src/daemon/validate.js';
import * as mcp from '../../src/mcp/schemas.js';
import { commitInput, controlInput, createInput, mergeInput, pageQuery } from '../../src/protocol/index.js';
import { call, connectMemory } from '../mcp/connect.js';
import { MemoryManager } from '../mcp/memory-manager.js';

/** What a surface did with one input: accepted it, or refused it with "<field> <rule>". */
type Outcome = { ok: true } | { ok: false; message: string };

// ------------------------------------------------------------------------------- the contract

/** The schema under optional/default/effects wrappers. */
function base(schema: ZodTypeAny): ZodTypeAny {
  let s = schema;
  for (;;) {
    const def = s._def as { innerType?: ZodTypeAny; schema?: ZodTypeAny };
    const next = def.innerType ?? def.schema;
    if (next === undefined) return s;
    s = next;
  }
}

/** Valid and invalid values of one field, derived from its schema's limits. */
function probes(field: string, schema: ZodTypeAny): { good: unknown[]; bad: unknown[] } {
  const s = base(schema);
  if (s instanceof z.ZodString) {
    const max = s.maxLength!;
    const fill = (n: number) => (field === 'repo' ? '/' + 'a'.repeat(n - 1) : 'a'.repeat(n));
    return { good: [fill(1), fill(max)], bad: [fill(max + 1), '', 5] };
  }
  if (s instanceof z.ZodNumber) {
    const max = s.maxValue;
    const min = s.minValue!;
    const bad: unknown[] = ['many'];
    if (max !== null) bad.push(max + 1);
    // minValue is the bound of min() or gt(): a gt bound itself is refused, a min bound accepted.
    const gt = s._def.checks.some((c) => c.kind === 'min' && !c.inclusive);
    bad.push(gt ? min : min - 1);
    if (s.isInt) bad.push(min + 0.5);
    return { good: [gt ? min + 0.5 : min, max ?? 1_000_000_000], bad };
  }
  if (s instanceof z.ZodBoolean) return { good: [true, false], bad: ['yes'] };
  if (s instanceof z.ZodEnum) return { good: [...(s.options as string[])], bad: ['other', '', 1] };
  if (field === 'agents') {
    // Its shape only: providers and counts are core's (core/group.ts expandAgents), after the rules.
    return {
      good: [[{ provider: 'claude' }], [{ provider: 'codex', model: 'm', count: 2 }]],
      bad: [[], 'claude', [{ provider: 5 }], [{ count: 2 }]],
    };
  }
  if (s instanceof z.ZodArray) {
    const max = s._def.maxLength!.value;
    const files = (n: number) => Array.from({ length: n }, (_, i) => `f${i}.txt`);
    return { good: [[], files(max)], bad: [files(max + 1), ['../x'], ['/etc/passwd'], ['a', ''], 'a.txt'] };
  }
  throw new Error(`no probes for ${field} (${s.constructor.name}): add them to this test`);
}

// ------------------------------------------------------------------------------------ surfaces

const TASK = 'do it';

function refusal(e: unknown): Outcome {
  if (isAicoderError(e) && e.code === 'invalid_input') return { ok: false, message: e.message };
  throw e;
}

function rest(input: Record<string, unknown>): Outcome {
  try {
    parseWith(createSchema, input, 'body');
    return { ok: true };
  } catch (e) {
    return refusal(e);
  }
}

function core(input: Record<string, unknown>): Outcome {
  try {
    validateCreate(input as unknown as CreateCoderInput);
    return { ok: true };
  } catch (e) {
    return refusal(e);
  }
}

let client: Client;
let closeMcp: () => Promise<void>;

async function tool(input: Record<string, unknown>): Promise<Outcome> {
  const res = await call(client, 'ai_coder_create', input);
  if (!res.isError) return { ok: true };
  const body = (res._meta as Record<string, { code: string; message: string }>)['aicoder/error']!;
  if (body.code !== 'invalid_input') return { ok: true }; // refused later, not by the rules
  return { ok: false, message: body.message.replace(/^Invalid arguments for ai_coder_create: /, '') };
}

/** The CLI's `create` options that set a create field, and how to pass a value. */
const CLI_OPTIONS: Record<string, string> = {
  provider: '--provider',
  model: '--model',
  name: '--name',
  base_ref: '--base',
  branch: '--branch',
  timeout_s: '--timeout',
  max_turns: '--max-turns',
  budget_usd: '--budget-usd',
  sandbox: '--sandbox',
};

async function cli(field: string, value: unknown): Promise<Outcome | null> {
  const option = CLI_OPTIONS[field];
  if (option === undefined) return null;
  // The command line carries text: a number field's value is written as digits, a string field's
  // as itself; other types cannot be written.
  const isNumber = base(createInput.shape[field as keyof typeof createInput.shape]) instanceof z.ZodNumber;
  if (typeof value !== 'string' && !(isNumber && typeof value === 'number')) return null;
  const sent: CreateCoderInput[] = [];
  const fake = {
    create: (input: CreateCoderInput) => {
      sent.push(input);
      return Promise.reject(new Error('recorded'));
    },
  } as unknown as DaemonClient;
  const out = new Proxy(
    {},
    { get: (_t, k) => (k === 'paint' ? (_s: unknown, t: string) => t : () => undefined) },
  );
  const ctx: CliContext = {
    env: {},
    cwd: '/tmp',
    out: out as Output,
    client: () => Promise.resolve(fake),
    resetClient: () => undefined,
    exitCode: 0,
  };
  try {
    await (
      await buildProgram(ctx)
    ).parseAsync(['node', 'aicoder', 'create', option, String(value), '--', TASK]);
  } catch (e) {
    if (e instanceof CommanderError) {
      const rule = /is invalid\. (.*)$/.exec(e.message)?.[1];
      if (rule === undefined) throw e;
      return { ok: false, message: `${field} ${rule}` };
    }
    // The CLI names the option where the other surfaces name the field.
    if (isAicoderError(e) && e.code === 'invalid_input') {
      return { ok: false, message: e.message.replace(optionOf(field), field) };
    }
    if (!(e instanceof Error) || e.message !== 'recorded') throw e;
  }
  expect(sent).toHaveLength(1);
  return { ok: true };
}

beforeAll(async () => {
  ({ client, close: closeMcp } = await connectMemory(new MemoryManager()));
});
afterAll(async () => {
  await closeMcp();
});

// --------------------------------------------------------------------------------------- tests

describe('the create input', () => {
  it('has the same fields on every surface', () => {
    const fields = Object.keys(createInput.shape).sort();
    expect(Object.keys(mcp.createInput.shape).sort()).toEqual(fields);
    // The REST body schema is the contract's own.
    expect(createSchema).toBe(createInput);
    // Every CLI option names a real field.
    for (const f of Object.keys(CLI_OPTIONS)) expect(fields).toContain(f);
  });

  for (const [field, schema] of Object.entries(createInput.shape) as [string, ZodTypeAny][]) {
    it(`${field}: every surface accepts and refuses the same values with the same message`, async () => {
      const { good, bad } = probes(field, schema);
      const input = (v: unknown) => (field === 'task' ? { task: v } : { task: TASK, [field]: v });
      for (const value of [...good, ...bad]) {
        const shown = JSON.stringify(value)?.slice(0, 40);
        const outcomes: Record<string, Outcome | null> = {
          rest: rest(input(value)),
          core: core(input(value)),
          mcp: await tool(input(value)),
          cli: field === 'task' ? null : await cli(field, value),
        };
        const expected = good.includes(value);
        for (const [surface, o] of Object.entries(outcomes)) {
          if (o === null) continue;
          expect(o.ok, `${surface} ${field}=${shown}: ${o.ok ? '' : o.message}`).toBe(expected);
        }
        // Text where a number belongs is refused by the CLI with the field's rule, not as a wrong type.
        const typeProbe = typeof value === 'string' && base(schema) instanceof z.ZodNumber;
        const messages = new Set(
          Object.entries(outcomes).flatMap(([surface, o]) =>
            o === null || o.ok || (typeProbe && surface === 'cli') ? [] : [o.message],
          ),
        );
        expect([...messages], `${field}=${shown}`).toHaveLength(expected ? 0 : 1);
        if (!expected) expect([...messages][0]).toMatch(new RegExp(`^${field.replace(/[[\]]/g, '\\$&')}`));
      }
    });
  }
});

describe('the other inputs that REST and MCP share', () => {
  /** Fields with one meaning on both surfaces: the same schema (hence the same limits and rule). */
  const shared: [string, ZodTypeAny, ZodTypeAny][] = [
    ['control action', controlInput.shape.action, mcp.controlInput.shape.action],
    ['control message', controlInput.shape.message, mcp.controlInput.shape.message],
    ['control force', controlInput.shape.force, mcp.controlInput.shape.force],
    ['control keep_branch', controlInput.shape.keep_branch, mcp.controlInput.shape.keep_branch],
    ['commit message', commitInput.shape.message, mcp.workspaceInput.shape.message],
    ['merge message', mergeInput.shape.message, mcp.workspaceInput.shape.message],
    ['merge strategy', mergeInput.shape.strategy, mcp.workspaceInput.shape.strategy],
    ['page cursor', pageQuery.shape.cursor, mcp.workspaceInput.shape.cursor],
    ['page limit', pageQuery.shape.limit, mcp.workspaceInput.shape.limit],
  ];
  for (const [name, restField, toolField] of shared) {
    it(`${name}: the same values pass`, () => {
      const r = base(restField);
      const t = base(toolField);
      const values: unknown[] = ['', 'a', 'x'.repeat(20_001), 0, 1, 5000, 5001, true, 'merge', 'stop'];
      for (const v of values) {
        // Query fields take text: REST gets the number as it arrives in a query string.
        const restValue = typeof v === 'number' && name === 'page limit' ? String(v) : v;
        expect(restField.safeParse(restValue).success, `${name}=${String(v).slice(0, 20)}`).toBe(
          toolField.safeParse(v).success,
        );
      }
      expect(r.constructor).toBe(t.constructor);
    });
  }

  it('REST control is the contract', () => {
    expect(controlSchema).toBe(controlInput);
  });
});
