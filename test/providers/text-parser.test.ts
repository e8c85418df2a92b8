import { describe, expect, it } from 'vitest';
import { PARSERS } from '../../src/providers/parsers.js';
import { LAST_MESSAGE_MAX, TextParser } from '../../src/providers/text-parser.js';

describe('text parser', () => {
  it('turns each stdout line into one text event carrying last_message', () => {
    const p = new TextParser();
    expect(p.parse('hello world', 'stdout')).toEqual([
      { kind: 'text', text: 'hello world', last_message: 'hello world' },
    ]);
  });

  it('turns stderr lines into text events without touching last_message', () => {
    const p = new TextParser();
    expect(p.parse('warning: x', 'stderr')).toEqual([{ kind: 'text', text: 'warning: x' }]);
  });

  it('keeps blank lines as entries but never makes them the last message', () => {
    const p = new TextParser();
    expect(p.parse('', 'stdout')).toEqual([{ kind: 'text', text: '' }]);
    expect(p.parse('   \t', 'stdout')).toEqual([{ kind: 'text', text: '   \t' }]);
  });

  it('the last non-empty stdout line wins when folded over a run', () => {
    const p = new TextParser();
    const lines: [string, 'stdout' | 'stderr'][] = [
      ['step 1', 'stdout'],
      ['  done: 3 files  ', 'stdout'],
      ['', 'stdout'],
      ['some error', 'stderr'],
    ];
    let last: string | undefined;
    for (const [l, s] of lines) for (const e of p.parse(l, s)) last = e.last_message ?? last;
    expect(last).toBe('done: 3 files');
  });

  it('keeps the raw line in text but clips a huge last_message', () => {
    const p = new TextParser();
    const long = 'x'.repeat(LAST_MESSAGE_MAX + 50);
    const [e] = p.parse(long, 'stdout');
    expect(e!.text).toBe(long);
    expect(e!.last_message!.length).toBe(LAST_MESSAGE_MAX);
    expect(e!.last_message!.endsWith('…')).toBe(true);
  });

  it('is registered as "text" and the factory gives fresh instances', () => {
    const make = PARSERS['text']!;
    const a = make();
    const b = make();
    expect(a).not.toBe(b);
    expect(a.parse('x', 'stdout')[0]!.kind).toBe('text');
  });
});
