// The reality check on a terminal and in a file: grouped by result, failures first, each failure with
// its registry, reason and fix (found items as one line each with their digest); progress while the
// registries answer; and the JSON report a user attaches to a bug.
import { REALITY_SEVERITY, REALITY_TITLES, type RealityProgress, type RealityReport, groupByResult, sharedFix } from '#contract/images.js';
import { formatDuration } from '#contract/format.js';
import type { PreflightReport } from '#contract/stack.js';

const SYMBOL = { fail: '✗', warn: '!', pass: '✓' } as const;

export function realityLines(report: RealityReport): string[] {
  const lines = [`Images and charts: ${report.items.length} asked of their registries in ${formatDuration(report.durationMs)}`];
  for (const { result, items } of groupByResult(report.items)) {
    const severity = REALITY_SEVERITY[result];
    const shared = sharedFix(items);
    lines.push(
      `${SYMBOL[severity]} ${REALITY_TITLES[result]} (${items.length})`,
      ...(shared ? [`    fix (all ${items.length}): ${shared}`] : []),
    );
    for (const item of items) {
      const where = `${item.kind === 'chart' ? 'chart' : 'image'} · ${item.registry} · ${item.usedBy.join(', ')}`;
      if (severity === 'pass') {
        lines.push(`    ${item.ref}${item.digest ? `  ${item.digest}` : ''}  (${where})`);
        continue;
      }
      lines.push(`    ${item.ref}  (${where})`, `      ${item.reason}`);
      if (item.fix && !shared) lines.push(`      fix: ${item.fix}`);
    }
  }
  return lines;
}

/** A progress line each time another tenth of the work has answered (and at the end), not one per item. */
export function progressPrinter(print: (line: string) => void): (progress: RealityProgress) => void {
  let shown = -1;
  return ({ done, total, ref }) => {
    if (total === 0) return;
    const tenth = Math.floor((done / total) * 10);
    if (tenth === shown) return;
    shown = tenth;
    print(`  asking registries: ${done}/${total}${ref ? `  ${ref}` : ''}`);
  };
}

/** The file `logclaw preflight --report FILE` writes: what was asked, of whom, and what each answered, with the fix. */
export function realityReportFile(
  report: PreflightReport & { reality: RealityReport },
  about: { tenant: string; target: unknown; app: { version: string; platform: string; arch: string } },
): Record<string, unknown> {
  return {
    kind: 'logclaw-reality-report',
    version: 1,
    generatedAt: new Date(report.reality.at).toISOString(),
    durationMs: report.reality.durationMs,
    ...about,
    summary: Object.fromEntries(groupByResult(report.reality.items).map(({ result, items }) => [result, items.length])),
    items: report.reality.items,
    preflight: report.checks,
  };
}
