/**
 * Parsers get the coder's stats when a run continues a session: the codex parser subtracts them from
 * the thread's running totals (recorded lines of a real resumed Codex run).
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, test } from 'vitest';
import { emptyStats } from '../../src/core/coder.js';
import { builtinProvidersDir, loadProviderCatalog } from '../../src/providers/registry.js';
import { cleanupTemp, tempDir } from '../helpers/env.js';

afterAll(cleanupTemp);

const resumeLines = readFileSync(new URL('../fixtures/recorded/codex/resume.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '');

function sum(ctx?: { stats: ReturnType<typeof emptyStats> }) {
  const catalog = loadProviderCatalog({ builtinDir: builtinProvidersDir(), userDir: tempDir() });
  const parser = catalog.parser(catalog.get('codex')!, ctx);
  let tokensIn = 0;
  let tokensOut = 0;
  for (const line of resumeLines) {
    for (const ev of parser.parse(line, 'stdout')) {
      tokensIn += ev.stats?.tokens_in ?? 0;
      tokensOut += ev.stats?.tokens_out ?? 0;
    }
  }
  return [tokensIn, tokensOut];
}

describe('parser context', () => {
  test('codex: a resumed run counts only its own tokens when given the coder stats', () => {
    // The recorded resume reports the thread's totals: 2400+500 in, 68+7 out.
    expect(sum()).toEqual([2900, 75]);
    expect(sum({ stats: { ...emptyStats(), turns: 1, tokens_in: 2400, tokens_out: 68 } })).toEqual([500, 7]);
  });
});
