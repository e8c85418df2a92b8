/**
 * Every agent parser survives anything: non-JSON, JSON that is not an object, wrong field types,
 * unknown event types (a newer CLI), other CLIs' lines. Unknown input becomes `raw` with the line.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { PARSERS } from '../../../src/providers/parsers.js';
import { RECORDED, recorded } from './aggregate.js';

const AGENT_PARSERS = ['claude', 'codex', 'gemini', 'opencode', 'aider'];

const GARBAGE = [
  '',
  'plain text',
  '{',
  '{"type":',
  'null',
  '42',
  '"a string"',
  '[1,2,3]',
  '{}',
  '{"type":null}',
  '{"type":5}',
  '{"type":"brand_new_event_2030","payload":{"x":1}}',
  '{"type":"assistant","message":5}',
  '{"type":"assistant","message":{"id":7,"content":"text","usage":"many"}}',
  '{"type":"user","message":{"content":[null,1,{"type":"tool_result","content":{"weird":true}}]}}',
  '{"type":"result","usage":null,"num_turns":"2","total_cost_usd":"free"}',
  '{"type":"system","subtype":"init"}',
  '{"type":"item.completed","item":null}',
  '{"type":"item.started","item":{"type":"file_change","changes":"all"}}',
  '{"type":"turn.completed","usage":{"input_tokens":"lots"}}',
  '{"type":"turn.failed"}',
  '{"type":"message","role":"assistant","delta":true,"content":7}',
  '{"type":"tool_result","tool_id":null}',
  '{"type":"result","stats":[]}',
  '{"type":"step_finish","part":{"tokens":{"cache":7}}}',
  '{"type":"tool_use","part":{"state":null}}',
  '{"type":"error","error":"boom"}',
  `{"type":"assistant","message":{"id":"m","content":[{"type":"text","text":"${'x'.repeat(100_000)}"}]}}`,
  'Tokens: lots sent, many received.',
  '\u0000\u001b[31mred\u001b[0m',
];

function allRecordedLines(): string[] {
  return readdirSync(RECORDED, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) =>
      readdirSync(join(RECORDED, d.name))
        .filter((f) => f.endsWith('.jsonl'))
        .map((f) => recorded(d.name, f.slice(0, -'.jsonl'.length))),
    )
    .flat();
}

describe('agent parsers never throw', () => {
  test.each(AGENT_PARSERS)(
    '%s: garbage and every recorded line of every CLI, on stdout and stderr',
    (name) => {
      const parser = PARSERS[name]!();
      for (const stream of ['stdout', 'stderr'] as const) {
        for (const line of [...GARBAGE, ...allRecordedLines()]) {
          const events = parser.parse(line, stream);
          expect(Array.isArray(events)).toBe(true);
          for (const e of events) {
            expect(typeof e.kind).toBe('string');
            expect(typeof e.text).toBe('string');
            for (const v of Object.values(e.stats ?? {})) expect(Number.isFinite(v)).toBe(true);
          }
        }
      }
    },
  );

  test.each(['claude', 'codex', 'gemini', 'opencode'])(
    '%s: an unknown event type or a non-JSON line is raw with the line as text',
    (name) => {
      const parser = PARSERS[name]!();
      for (const line of ['plain text', '[1,2]', '{"type":"brand_new_event_2030","payload":{"x":1}}']) {
        expect(parser.parse(line, 'stdout')).toEqual([{ kind: 'raw', text: line }]);
      }
    },
  );
});
