// The preflight's reality check for one install: the images its releases render (helm template with
// the install's values) plus the inventory's images no render shows, and the operator charts it
// needs, asked of their registries and repositories before anything is created. Its summary becomes
// two preflight checks, `images` and `charts`; the items themselves travel in the report.
import type { RealityItem, RealityProgress, RealityReport } from '#contract/images.js';
import { REALITY_RESULTS, REALITY_SEVERITY, REALITY_TITLES } from '#contract/images.js';
import type { PreflightCheck, PreflightReport } from '#contract/stack.js';
import type { BackendContext } from '../../domain.js';
import { ChartRepoClient } from '../images/chart-repo.js';
import { dockerCredentials } from '../images/docker-config.js';
import { inventoryPath, readInventory } from '../images/inventory.js';
import { type ImageTarget, collectImages, runRealityCheck } from '../images/reality.js';
import { onMirror } from '../images/reference.js';
import { RegistryClient } from '../images/registry-client.js';
import { type PlanOperator, operatorRepository } from './plan.js';

const IMAGES_TITLE = 'Images can be pulled';

export interface RealityScope {
  /** Each release the install would create: its plan name, its chart's name (logclaw-kafka) and helm's render of it. */
  rendered: Array<{ name: string; chart: string; manifest: string }>;
  /** The operators it needs. */
  operators: PlanOperator[];
  /** The test hook's chart repository that replaces every operator's, when one does (StepEnv.operatorRepo). */
  operatorRepo?: string;
}

/**
 * The images an install pulls: its releases' renders and the inventory's for its operators and run
 * time (the images step pulls them). With an image mirror in the settings the renders already name
 * it (global.imageRegistry) and the operators are given it (mirrorValues), so the inventory's are asked there too.
 */
export function installImages(ctx: BackendContext, scope: Pick<RealityScope, 'rendered' | 'operators'>): ImageTarget[] {
  const mirror = ctx.settings.current.mirrors.images;
  const inventory = readInventory(inventoryPath(ctx.appRoot));
  return collectImages(
    scope.rendered,
    mirror ? inventory.map((entry) => ({ ...entry, image: onMirror(entry.image, mirror) })) : inventory,
    scope.operators.map((operator) => operator.name),
  );
}

export async function stackReality(
  ctx: BackendContext,
  scope: RealityScope,
  onProgress: (progress: RealityProgress) => void,
): Promise<RealityReport> {
  const images = installImages(ctx, scope);
  const charts = scope.operators.map((operator) => ({
    chart: operator.chart.name,
    version: operator.chart.version,
    repository: operatorRepository(operator.chart, ctx.settings.current.mirrors, scope.operatorRepo),
    ...(operator.chart.digest ? { digest: operator.chart.digest } : {}),
    usedBy: [operator.name],
  }));
  return runRealityCheck(
    { images, charts },
    {
      registry: new RegistryClient({ credentials: dockerCredentials(ctx.env) }),
      charts: new ChartRepoClient(),
      onProgress,
      proxied: Boolean(ctx.env.HTTPS_PROXY ?? ctx.env.https_proxy),
    },
  );
}

function summaryCheck(id: 'images' | 'charts', title: string, items: RealityItem[]): PreflightCheck {
  if (items.length === 0) return { id, title, status: 'skip', reason: 'Nothing to check.' };
  const tally = REALITY_RESULTS.map((result) => [result, items.filter((item) => item.result === result).length] as const)
    .filter(([, count]) => count > 0)
    .map(([result, count]) => `${count} ${REALITY_TITLES[result].toLowerCase()}`)
    .join(', ');
  // Worst first: what cannot work before what may work later.
  const failing = items
    .filter((item) => REALITY_SEVERITY[item.result] !== 'pass')
    .sort((a, b) => REALITY_RESULTS.indexOf(a.result) - REALITY_RESULTS.indexOf(b.result));
  const status = failing.some((item) => REALITY_SEVERITY[item.result] === 'fail') ? 'fail' : failing.length ? 'warn' : 'pass';
  if (status === 'pass') return { id, title, status, reason: `All ${items.length} found (${tally}).` };
  const named = failing
    .slice(0, 3)
    .map((item) => `${item.ref} (${REALITY_TITLES[item.result].toLowerCase()})`)
    .join(', ');
  const command = failing.find((item) => item.command)?.command;
  return {
    id,
    title,
    status,
    reason: `${tally}: ${named}${failing.length > 3 ? ` and ${failing.length - 3} more` : ''}.`,
    fix: `Each one's fix is listed with it (logclaw preflight --report FILE writes them all). ${failing[0]!.fix ?? ''}`.trim(),
    ...(command ? { command } : {}),
  };
}

/** The report as two preflight checks: images can be pulled, operator charts are in their repositories. */
export function realityChecks(report: RealityReport): PreflightCheck[] {
  return [
    summaryCheck(
      'images',
      IMAGES_TITLE,
      report.items.filter((item) => item.kind === 'image'),
    ),
    summaryCheck(
      'charts',
      'Operator charts are in their repositories',
      report.items.filter((item) => item.kind === 'chart'),
    ),
  ];
}

/**
 * The preflight report with the reality check's items and its two checks (a failing one fails the
 * report); a check that could not run (the charts did not render) warns, as the other checks do.
 */
export function withReality(report: PreflightReport, reality: RealityReport | Error): PreflightReport {
  if (reality instanceof Error)
    return {
      ...report,
      checks: [
        ...report.checks,
        { id: 'images', title: IMAGES_TITLE, status: 'warn', reason: `Could not check: ${reality.message.split('\n')[0]}` },
      ],
    };
  const checks = realityChecks(reality);
  return { ...report, ok: report.ok && checks.every((check) => check.status !== 'fail'), checks: [...report.checks, ...checks], reality };
}
