/**
 * What a terminal shows, from the bytes a program wrote to its pseudo-terminal: a headless xterm.js
 * (`@xterm/headless`) parses the control sequences, so a UI that redraws only the cells that changed
 * (Claude Code's, Ink's) still reads as whole words. Text is the scrollback plus the screen, one
 * line per row, trailing blanks trimmed.
 */
import { Terminal } from '@xterm/headless';

export interface Screen {
  /** Feeds the program's output (parsed asynchronously; `text()` catches up within a tick). */
  write(chunk: string): void;
  /** Every row of the scrollback and the screen, joined with newlines. */
  text(): string;
  dispose(): void;
}

/** A screen of `cols` × `rows` cells, as the pty was opened with. */
export function createScreen(cols: number, rows: number): Screen {
  const term = new Terminal({ cols, rows, scrollback: 5000, allowProposedApi: true });
  return {
    write: (chunk) => term.write(chunk),
    text: () => {
      const buf = term.buffer.active;
      const lines: string[] = [];
      for (let i = 0; i < buf.length; i++) lines.push(buf.getLine(i)?.translateToString(true) ?? '');
      return lines.join('\n');
    },
    dispose: () => term.dispose(),
  };
}
