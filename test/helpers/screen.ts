/**
 * What a terminal shows, from the bytes a program wrote to its pseudo-terminal: a headless xterm.js
 * (`@xterm/headless`) parses the control sequences, so a UI that redraws only the cells that changed
 * (Claude Code's, Ink's) still reads as whole words. Text is the scrollback plus the screen, one
 * line per row, trailing blanks trimmed. Characters take the cells Unicode 11 gives them
 * (`@xterm/addon-unicode11`: CJK and emoji two cells, as in today's terminals; xterm.js's default
 * Unicode 6 table gives emoji one), so a misaligned wide name shows as it would to a user.
 */
import { Terminal } from '@xterm/headless';
import { Unicode11Addon } from '@xterm/addon-unicode11';

export interface Screen {
  /** Feeds the program's output (parsed asynchronously; `text()` catches up within a tick). */
  write(chunk: string): void;
  /** Every row of the scrollback and the screen, joined with newlines. */
  text(): string;
  /**
   * The column (in cells, 0 = the left edge; a wide character takes two) where `text` first starts
   * in row `row` (0 = the first line of `text()`); undefined when that row does not hold it.
   */
  columnOf(row: number, text: string): number | undefined;
  dispose(): void;
}

/** A screen of `cols` × `rows` cells, as the pty was opened with. */
export function createScreen(cols: number, rows: number): Screen {
  const term = new Terminal({ cols, rows, scrollback: 5000, allowProposedApi: true });
  term.loadAddon(new Unicode11Addon());
  term.unicode.activeVersion = '11';
  return {
    write: (chunk) => term.write(chunk),
    text: () => {
      const buf = term.buffer.active;
      const lines: string[] = [];
      for (let i = 0; i < buf.length; i++) lines.push(buf.getLine(i)?.translateToString(true) ?? '');
      return lines.join('\n');
    },
    columnOf: (row, text) => {
      const line = term.buffer.active.getLine(row);
      if (!line) return undefined;
      // The row's characters, and for each UTF-16 unit the column of the cell it is drawn in.
      let s = '';
      const colOf: number[] = [];
      for (let x = 0; x < line.length; x++) {
        const cell = line.getCell(x);
        if (!cell || cell.getWidth() === 0) continue; // the second half of a wide character
        const ch = cell.getChars() || ' ';
        s += ch;
        for (let k = 0; k < ch.length; k++) colOf.push(x);
      }
      const at = s.indexOf(text);
      return at === -1 ? undefined : colOf[at];
    },
    dispose: () => term.dispose(),
  };
}
