/**
 * Terminal safety: agent text reaches a terminal only with control sequences made visible and inert
 * (src/term/safe-text.ts, shared by the CLI and the TUI).
 */
import { describe, expect, test } from 'vitest';
import { controlPicture, safeText } from '../../src/term/safe-text.js';

// eslint-disable-next-line no-control-regex
const LIVE_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

describe('terminal safety: safeText', () => {
  test('OSC 52 (set the clipboard) is visible and inert', () => {
    expect(safeText('\x1b]52;c;cHduZWQ=\x07clip\n', { multiline: true })).toBe('␛]52;c;cHduZWQ=␇clip\n');
  });

  test('OSC 0 (window title) with either terminator, and 8-bit OSC', () => {
    expect(safeText('\x1b]0;pwned\x07x')).toBe('␛]0;pwned␇x');
    expect(safeText('\x1b]0;pwned\x1b\\x')).toBe('␛]0;pwned␛\\x');
    expect(safeText('\x9d0;pwned\x9cx')).toBe('␛]0;pwned␛\\x');
  });

  test('CSI: clear screen, cursor moves, 8-bit CSI, DCS', () => {
    expect(safeText('\x1b[2Jgone')).toBe('␛[2Jgone');
    expect(safeText('a\x1b[1;1Hb\x1b[Kc')).toBe('a␛[1;1Hb␛[Kc');
    expect(safeText('\x9b2J')).toBe('␛[2J');
    expect(safeText('\x1bP1$r\x1b\\')).toBe('␛P1$r␛\\');
  });

  test('C0 controls: NUL, BEL, backspace, lone CR, lone ESC, DEL', () => {
    expect(safeText('a\x00b\x07c\x08d')).toBe('a␀b␇c␈d');
    expect(safeText('50%\r100%', { multiline: true })).toBe('50%␍100%');
    expect(safeText('x\x1b')).toBe('x␛');
    expect(safeText('x\x7f')).toBe('x␡');
  });

  test('SGR (colour) is removed, other sequences kept visible; keepStyles keeps SGR only', () => {
    expect(safeText('\x1b[31mred\x1b[0m \x1b[1;4mbold\x1b[m')).toBe('red bold');
    expect(safeText('\x1b[31mred\x1b[0m\x1b[2J', { keepStyles: true })).toBe('\x1b[31mred\x1b[0m␛[2J');
  });

  test('line breaks and tabs: kept in multi-line text, shown on one line otherwise', () => {
    expect(safeText('a\r\nb\nc\td', { multiline: true })).toBe('a\nb\nc\td');
    expect(safeText('a\r\nb\nc\td')).toBe('a ⏎ b ⏎ c  d');
  });

  test('unterminated and split sequences are inert too', () => {
    expect(safeText('\x1b]52;c;AAAA')).toBe('␛]52;c;AAAA');
    expect(safeText('\x1b[')).toBe('␛[');
  });

  test('plain text, emoji and CJK pass unchanged', () => {
    for (const s of ['hello', '修复 登录 bug 🐛', '✅✅✅ done ⚡⚡', '👨‍👩‍👧 family', 'naïve café']) {
      expect(safeText(s)).toBe(s);
    }
  });

  test('no live control character survives any byte', () => {
    for (let c = 0; c < 0x100; c++) {
      const ch = String.fromCharCode(c);
      const out = safeText(`a${ch}b\x1b${ch}c\x9b${ch}d`);
      expect(LIVE_CONTROL.test(out), `code ${c}: ${JSON.stringify(out)}`).toBe(false);
      expect(controlPicture(ch).length).toBeGreaterThan(0);
    }
  });
});
