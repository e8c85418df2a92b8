/** Terminal size (re-rendered on resize) and a coarse clock for the age column. */
import { useEffect, useState } from 'react';
import { useStdout } from 'ink';

export interface Size {
  columns: number;
  rows: number;
}

export function useTerminalSize(): Size {
  const { stdout } = useStdout();
  const read = (): Size => ({ columns: stdout.columns || 80, rows: stdout.rows || 24 });
  const [size, setSize] = useState(read);
  useEffect(() => {
    const onResize = (): void => {
      const next = { columns: stdout.columns || 80, rows: stdout.rows || 24 };
      setSize((cur) => (cur.columns === next.columns && cur.rows === next.rows ? cur : next));
    };
    stdout.on('resize', onResize);
    onResize();
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);
  return size;
}

/** `fixed` when given (tests, docs); otherwise the time, refreshed every `everyMs`. */
export function useNow(fixed: number | undefined, everyMs = 5000): number {
  const [now, setNow] = useState(() => fixed ?? Date.now());
  useEffect(() => {
    if (fixed !== undefined) return;
    const t = setInterval(() => setNow(Date.now()), everyMs);
    t.unref();
    return () => clearInterval(t);
  }, [fixed, everyMs]);
  return fixed ?? now;
}
