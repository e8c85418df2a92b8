/**
 * Keys from raw terminal input. A terminal (key repeat, a slow ssh link, a fast typist) can deliver
 * several keys in one read: `jjj`, `\x1b[B\x1b[B`, `abc\r`, `\x7f\x7f`. Ink hands such a run to
 * `useInput` as one string (and turns `\x7f\x7f` into nothing), so the TUI splits the raw input itself:
 * one KeyPress per key, in order, each with Ink's `Key` flags so the bindings table matches it as
 * usual. Bracketed paste (`\x1b[200~ … \x1b[201~`, xterm's mode 2004, turned on by runTui) is the
 * exception: the pasted text is one KeyPress with `paste: true`, never a series of commands.
 *
 * Sequences follow xterm's ctlseqs (CSI/SS3 cursor and editing keys, `CSI 1;<mod> X` modifiers) and
 * the VT100 C0 keys (CR/LF Enter, HT Tab, DEL/BS Backspace, 0x01–0x1a Ctrl+letter).
 */
import type { Key } from 'ink';

export interface KeyPress {
  /** The bytes of this key as received (re-emitted when keys are handed on after a view change). */
  raw: string;
  /** The printable text of the key ('' for named keys; the letter for Ctrl+letter, as Ink does). */
  input: string;
  key: Key;
  /** Text that arrived in a bracketed paste: insert it, never run it as keys. */
  paste?: boolean;
}

export const PASTE_START = '\x1b[200~';
export const PASTE_END = '\x1b[201~';

/** An Ink `Key` with every flag false except those given. */
export function makeKey(flags: Partial<Key> = {}): Key {
  return {
    upArrow: false,
    downArrow: false,
    leftArrow: false,
    rightArrow: false,
    pageDown: false,
    pageUp: false,
    home: false,
    end: false,
    return: false,
    escape: false,
    ctrl: false,
    shift: false,
    tab: false,
    backspace: false,
    delete: false,
    meta: false,
    super: false,
    hyper: false,
    capsLock: false,
    numLock: false,
    ...flags,
  };
}

/** Final byte (or `~` code) of a CSI/SS3 key → its flag. */
const FINAL: Record<string, Partial<Key>> = {
  A: { upArrow: true },
  B: { downArrow: true },
  C: { rightArrow: true },
  D: { leftArrow: true },
  H: { home: true },
  F: { end: true },
  Z: { tab: true, shift: true },
};
const TILDE: Record<string, Partial<Key>> = {
  '1': { home: true },
  '7': { home: true },
  '4': { end: true },
  '8': { end: true },
  '3': { delete: true },
  '5': { pageUp: true },
  '6': { pageDown: true },
};

/** The Key of one escape sequence (CSI, SS3, ESC ESC, Meta+char, lone ESC). */
function escapeKey(seq: string): { input: string; key: Key } {
  if (seq === '\x1b') return { input: '', key: makeKey({ escape: true, meta: true }) };
  // eslint-disable-next-line no-control-regex
  const csi = /^\x1b(?:\[|O)([\d;]*)([A-Za-z~])$/.exec(seq);
  if (csi) {
    const [, params = '', final = ''] = csi;
    const parts = params.split(';');
    // xterm modifier parameter: 1 + (Shift 1 | Alt 2 | Ctrl 4).
    const mod = Math.max(0, Number(parts[1] ?? '1') - 1);
    const mods: Partial<Key> = { shift: (mod & 1) !== 0, meta: (mod & 2) !== 0, ctrl: (mod & 4) !== 0 };
    const flags = final === '~' ? TILDE[parts[0] ?? ''] : FINAL[final];
    if (flags) return { input: '', key: makeKey({ ...mods, ...flags }) };
    return { input: '', key: makeKey() };
  }
  // Meta (Alt) + a character: ESC then the character.
  const ch = seq.slice(1);
  return { input: ch, key: makeKey({ meta: true }) };
}

/** The Key of one non-escape character. */
function charKey(ch: string): { input: string; key: Key } {
  const code = ch.codePointAt(0)!;
  if (ch === '\r' || ch === '\n') return { input: '', key: makeKey({ return: true }) };
  if (ch === '\t') return { input: '', key: makeKey({ tab: true }) };
  if (code === 0x7f || code === 0x08) return { input: '', key: makeKey({ backspace: true }) };
  if (code === 0) return { input: ' ', key: makeKey({ ctrl: true }) };
  if (code >= 0x01 && code <= 0x1a)
    return { input: String.fromCharCode(code + 0x60), key: makeKey({ ctrl: true }) };
  if (code < 0x20) return { input: '', key: makeKey() };
  return { input: ch, key: makeKey({ shift: /^[A-Z]$/.test(ch) }) };
}

/** Length of the escape sequence at `s[i]` (s[i] is ESC), or 0 when it is cut off at the end. */
function escapeLength(s: string, i: number): number {
  const next = s[i + 1];
  if (next === undefined) return 1;
  // ESC ESC: two Esc presses (each its own key).
  if (next === '\x1b') return 1;
  if (next === '[') {
    let j = i + 2;
    while (j < s.length && /[\d;:<=>?]/.test(s[j]!)) j++;
    while (j < s.length && /[ -/]/.test(s[j]!)) j++;
    return j < s.length ? j - i + 1 : s.length - i;
  }
  if (next === 'O') return Math.min(3, s.length - i);
  // Meta + one code point.
  const cp = s.codePointAt(i + 1)!;
  return 1 + (cp > 0xffff ? 2 : 1);
}

/**
 * Splits raw input into keys, in order. Stateful only across a bracketed paste (its text may come in
 * several reads). Pure otherwise: `push('jjj')` is three `j` keys, `push('\x1b[B\x1b[B')` two Downs.
 */
export class KeySplitter {
  private pasting: string | null = null;

  push(raw: string): KeyPress[] {
    const out: KeyPress[] = [];
    let i = 0;
    while (i < raw.length) {
      if (this.pasting !== null) {
        const end = raw.indexOf(PASTE_END, i);
        if (end === -1) {
          this.pasting += raw.slice(i);
          return out;
        }
        const text = this.pasting + raw.slice(i, end);
        this.pasting = null;
        out.push({ raw: PASTE_START + text + PASTE_END, input: text, key: makeKey(), paste: true });
        i = end + PASTE_END.length;
        continue;
      }
      if (raw.startsWith(PASTE_START, i)) {
        this.pasting = '';
        i += PASTE_START.length;
        continue;
      }
      if (raw[i] === '\x1b') {
        const n = escapeLength(raw, i);
        const seq = raw.slice(i, i + n);
        out.push({ raw: seq, ...escapeKey(seq) });
        i += n;
        continue;
      }
      const cp = raw.codePointAt(i)!;
      const ch = String.fromCodePoint(cp);
      // CR LF is one Enter.
      const len = ch === '\r' && raw[i + 1] === '\n' ? 2 : ch.length;
      out.push({ raw: raw.slice(i, i + len), ...charKey(ch) });
      i += len;
    }
    return out;
  }
}
