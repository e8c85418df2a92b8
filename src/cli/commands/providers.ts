/** `aicoder providers`: the table of providers with their status, then the files that were skipped. */
import type { ProviderReport } from '../../core/api.js';
import type { Cell, Output } from '../output.js';

export function printProviders(out: Output, report: ProviderReport): void {
  out.table(
    ['NAME', 'INSTALLED', 'VERSION', 'CREDENTIALS', 'DESCRIPTION'],
    report.providers.map((p): Cell[] => {
      const s = p.status;
      const installed: Cell =
        s === undefined
          ? '?'
          : s.installed
            ? { text: 'yes', style: 'green' }
            : { text: 'not installed', style: 'red' };
      const creds: Cell =
        s === undefined
          ? '?'
          : s.credentials === 'found'
            ? { text: 'found', style: 'green' }
            : s.credentials === 'missing'
              ? { text: 'missing', style: 'yellow' }
              : { text: 'n/a', style: 'dim' };
      return [{ text: p.name, style: 'bold' }, installed, s?.version ?? '-', creds, p.description];
    }),
  );
  for (const p of report.providers) {
    const s = p.status;
    if (s === undefined) continue;
    const where = s.installed ? s.path : `'${p.command[0] ?? ''}' not found on the daemon's PATH`;
    out.line(out.paint('dim', `${p.name}: ${where ?? ''}; credentials: ${s.credentials_detail}`));
  }
  if (report.errors.length > 0) {
    out.line();
    out.line(out.paint('red', `${report.errors.length} provider file(s) skipped:`));
    for (const e of report.errors) out.line(`  ${e.message}`);
  }
}
