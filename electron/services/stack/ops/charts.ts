// An operator chart's archive as commands: helm pulls it into its folder of the data folder's chart
// cache, and the app checks its digest itself, shown as the sha256sum line that does the same.
import type { ToolCommand } from '#contract/command.js';
import type { ToolCall } from '../../tools/tools-service.js';
import { parseDigest } from '../chart-trust.js';
import type { PlanChart } from '../plan.js';

export function helmPull(chart: PlanChart, repository: string, destination: string): ToolCall {
  return { tool: 'helm', args: ['pull', chart.name, '--repo', repository, '--version', chart.version, '--destination', destination] };
}

/** `echo '<hex>  <archive>' | sha256sum --check`, or `sha256sum <archive>` for a chart without a digest. */
export function checkDigest(archive: string, digest: string | null): ToolCommand[] {
  if (!digest) return [{ tool: 'sha256sum', args: [archive] }];
  const { algorithm, hex } = parseDigest(digest);
  return [
    { tool: 'echo', args: [`${hex}  ${archive}`] },
    { tool: `${algorithm}sum`, args: ['--check'] },
  ];
}
