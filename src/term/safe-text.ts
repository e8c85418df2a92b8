/**
 * The one function that makes agent text safe for a terminal, used by the CLI (every human output) and
 * the TUI (every pane). Agents print whatever they like — colours, `\x1b]52;c;…\x07` (set the
 * clipboard), `\x1b]0;…\x07` (window title), `\x1b[2J` (clear the screen), NUL, `\r` — and none of it
 * may act on the user's terminal. `aicoder logs --raw` is the explicit way to get the bytes as they are.
 *
 * The convention (docs/cli.md, "Agent text on your terminal"):
 * - A C0 control (U+0000–U+001F) shows as its Unicode Control Picture (U+2400 + code): NUL `␀`,
 *   BEL `␇`, CR `␍`, ESC `␛`, …; DEL (U+007F) as `␡`.
 * - A C1 control (U+0080–U+009F) shows as its 7-bit ECMA-48 equivalent, ESC + (code − 0x40), so the
 *   8-bit CSI U+009B reads `␛[` like the 7-bit one.
 * - So an escape sequence (CSI, OSC, DCS, …) stays visible and inert: `\x1b]52;c;cHduZWQ=\x07` shows
 *   as `␛]52;c;cHduZWQ=␇`, `\x1b[2J` as `␛[2J`.
 * - SGR sequences (`CSI … m`: colour and style only) are removed: they cannot act on the terminal
 *   beyond colour, and agents' coloured output would otherwise read as noise. The sequence grammar is
 *   ansi-regex's (ECMA-48 CSI/OSC/DCS/SOS/PM/APC and two-byte escapes).
 * - Multi-line text keeps `\n` (and `\r\n` becomes `\n`) and `\t`; one-line text shows line breaks as
 *   ` ⏎ ` and a tab as two spaces.
 */
import ansiRegex from 'ansi-regex';

export interface SafeTextOptions {
  /** Keep `\n` and `\t` (log output, status blocks). Default false: one display line. */
  multiline?: boolean;
  /**
   * Keep complete SGR sequences (colour, style) instead of removing them. Only for text whose styling
   * comes from our own code after the agent's part was made safe (the CLI's output net).
   */
  keepStyles?: boolean;
}

// Sequences first (so a whole sequence is seen at once), then CRLF, then any single control.
const TOKENS = new RegExp(`${ansiRegex().source}|\\r\\n|[\\u0000-\\u001f\\u007f-\\u009f]`, 'g');
// eslint-disable-next-line no-control-regex
const SGR = /^(?:\x1b\[|\x9b)[\d;:]*m$/;
// eslint-disable-next-line no-control-regex
const ANY_CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** The visible, inert form of one control character (see the module comment). */
export function controlPicture(ch: string): string {
  const code = ch.charCodeAt(0);
  if (code < 0x20) return String.fromCharCode(0x2400 + code);
  if (code === 0x7f) return '\u2421';
  if (code >= 0x80 && code <= 0x9f) return '\u241b' + String.fromCharCode(code - 0x40);
  return ch;
}

function pictures(seq: string): string {
  let out = '';
  for (const ch of seq) out += controlPicture(ch);
  return out;
}

/**
 * `text` with every control character made visible and inert, by the convention above. Pure; safe on
 * any string (lone surrogates and unterminated sequences included). Cost is linear in the length:
 * callers that show a bounded width should cut long input first.
 */
export function safeText(text: string, opts: SafeTextOptions = {}): string {
  if (!ANY_CONTROL.test(text)) return text;
  const multiline = opts.multiline === true;
  return text.replace(TOKENS, (tok) => {
    if (tok === '\n' || tok === '\r\n') return multiline ? '\n' : ' ⏎ ';
    if (tok === '\t') return multiline ? '\t' : '  ';
    if (tok.length > 1 && SGR.test(tok)) return opts.keepStyles === true ? tok : '';
    return pictures(tok);
  });
}
