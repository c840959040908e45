// The images step (kind targets only): every image the chosen releases render (and the inventory's
// run-time and operator images) pulled into the kind node's containerd right after the cluster exists,
// beside the operators. Without it the pulls happen inside the releases' readiness waits, where a slow
// registry looks like a hung install and uses up the step's timeout; here a pull is a failure only
// when crictl fails or stops receiving bytes, however long it takes.
//
// crictl prints no progress, so while pulls run the step reads the node's downloads every 2 s with
// `ctr -n k8s.io content active` (images/ingests.ts): the bytes received, and whether they still
// move. A pull whose node has open downloads that have not moved for the stall window (90 s) is
// killed and counts as a transient failure, retried with the back-off; there is no total time cap.
//
// `docker exec <node> crictl pull <image>` stores each image once, in the node's containerd, where the
// pods run. `docker pull` + `kind load docker-image` would keep a second copy in the host's Docker and
// copy it into the node through a tar stream.
//
// An existing context gets no such step: its nodes are not containers on this machine, and its
// runtime pulls through whatever mirror and credentials its operators configured.
import { AppError } from '#contract/index.js';
import { REALITY_SEVERITY, REALITY_TITLES } from '#contract/images.js';
import type { StepContext } from '../../jobs/job-runner.js';
import { ToolError } from '../../tools/run-tool.js';
import type { ToolCall } from '../../tools/tools-service.js';
import { NodeIngests, formatBytes, parseActiveIngests } from '../../images/ingests.js';
import { registryOf } from '../../images/reference.js';
import { classifyPullMessage } from '../../images/pull-message.js';
import type { ImageTarget } from '../../images/reality.js';
import { imagePullFailed } from '../pulls.js';
import { type StepBody, type StepEnv, type UpParams, kindEnv, sleep, stepTools } from './step.js';

/** Pulls at once: enough to overlap registry round trips, few enough not to saturate a laptop's link. */
export const PULL_CONCURRENCY = 3;
/** Tries of an image whose registry rate-limits, cannot be reached or stalls, and the first back-off (doubled each time). */
export const PULL_TRIES = 4;
const BACKOFF_MS = 2_000;
/** How long the node's open downloads may stand still before the pulls waiting on them are killed. */
export const STALL_MS = 90_000;
/** How often the node's downloads are read. */
const POLL_MS = 2_000;
/** At most one progress line per image this often. */
const LINE_EVERY_MS = 10_000;

export function crictlPull(params: { kindProvider?: 'podman' }, node: string, image: string): ToolCall {
  return { tool: params.kindProvider ?? 'docker', args: ['exec', node, 'crictl', 'pull', image] };
}

export function imagesStep(env: StepEnv, params: UpParams): StepBody {
  return {
    id: 'images',
    title: 'Images pulled into the kind node',
    kind: 'images',
    // The images are known only once helm renders the releases, so each pull is shown as it runs.
    shown: [],
    run: (s) => pullImages(env, params, s),
  };
}

/**
 * Ends the node's `crictl pull <image>`. Killing `docker exec` stops only the client on this machine:
 * the crictl it started keeps running in the node and holds the CRI pull (whose gRPC context ends
 * only with crictl), so a retry would wait on the same stuck download. pkill is in the kind node
 * (kubernetes-sigs/kind images/base/Dockerfile installs procps); -x -f matches the whole command line.
 */
export function crictlPullKill(params: { kindProvider?: 'podman' }, node: string, image: string): ToolCall {
  const pattern = `crictl pull ${image.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`;
  return { tool: params.kindProvider ?? 'docker', args: ['exec', node, 'pkill', '-TERM', '-x', '-f', pattern] };
}

/** `ctr -n k8s.io content active` in the node: containerd's open downloads (the CRI plugin's namespace is k8s.io). */
export function activeIngests(params: { kindProvider?: 'podman' }, node: string): ToolCall {
  return { tool: params.kindProvider ?? 'docker', args: ['exec', node, 'ctr', '-n', 'k8s.io', 'content', 'active'] };
}

interface Running {
  node: string;
  image: string;
  started: number;
  lastLine: number;
  stall: AbortController;
}

async function pullImages(env: StepEnv, params: UpParams, s: StepContext): Promise<void> {
  if (params.target.mode !== 'kind') throw new AppError('INTERNAL', 'The images step is for kind targets only');
  const { read, exec } = stepTools(env, s);
  const listed = await read('kind', ['get', 'nodes', '--name', params.target.cluster], kindEnv(params));
  const nodes = listed.stdout
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  if (nodes.length === 0)
    throw new AppError('NOT_FOUND', `kind reports no nodes for the cluster ${params.target.cluster}`, {
      hint: '`kind get nodes --name <cluster>` should list them; retry the cluster step.',
    });
  const images = await env.images(params);
  const work = nodes.flatMap((node) => images.map((target) => ({ node, target })));
  const total = work.length;
  const unit = nodes.length > 1 ? `image pulls (${images.length} images × ${nodes.length} nodes)` : 'images pulled';
  const stallMs = env.pullStallMs ?? STALL_MS;
  s.line(`pulling ${images.length} images into ${nodes.join(', ')}, ${PULL_CONCURRENCY} at a time`);
  let done = 0;
  let next = 0;
  const ingests = new Map(nodes.map((node) => [node, new NodeIngests()]));
  const running = new Set<Running>();
  const message = () => {
    const bytes = nodes.reduce((sum, node) => sum + ingests.get(node)!.since(Number.NEGATIVE_INFINITY).bytes, 0);
    s.message(`${done}/${total} ${unit}${bytes > 0 ? `, ${formatBytes(bytes)} received` : ''}`);
  };
  message();

  const pullOne = async (node: string, target: ImageTarget): Promise<void> => {
    const image = target.ref;
    const command = crictlPull(params, node, image);
    for (let attempt = 1; ; attempt++) {
      const pull: Running = { node, image, started: Date.now(), lastLine: 0, stall: new AbortController() };
      s.line(`pulling ${image}${attempt > 1 ? ` (try ${attempt} of ${PULL_TRIES})` : ''}`);
      running.add(pull);
      try {
        // crictl's own output (the image's digest) is not the step's news; its error text is classified below.
        await exec(command, { onLine: () => undefined, signal: pull.stall.signal });
        s.line(`pulled ${image} in ${seconds(Date.now() - pull.started)}`);
        return;
      } catch (error) {
        if (!(error instanceof ToolError) || (error.code === 'CANCELLED' && !pull.stall.signal.aborted)) throw error;
        const stalled = pull.stall.signal.aborted;
        // pkill answers 1 when nothing matched: crictl may have ended on its own meanwhile.
        if (stalled)
          await exec(crictlPullKill(params, node, image)).catch((killError: unknown) => {
            if (!(killError instanceof ToolError) || killError.exitCode !== 1) throw killError;
          });
        const verdict = stalled ? null : classifyPullMessage(error.stderrTail);
        // A stall is the network's doing as much as a timeout is: the same advice, and worth another try.
        const answer = stalled
          ? ({ result: 'unreachable', network: 'timeout' } as const)
          : ({ result: verdict?.result ?? 'error', ...(verdict?.network ? { network: verdict.network } : {}) } as const);
        const quoted = stalled
          ? `stalled: no bytes for ${stallMs / 1000} s`
          : verdict
            ? `"${verdict.phrase}" in crictl's error`
            : (error.stderrTail.at(-1) ?? 'no error output');
        const fail = (why: string) =>
          imagePullFailed({
            images: [image],
            usedBy: target.usedBy,
            answer,
            quoted: why,
            mirror: target.mirror,
            pulls: [
              { node, image, registry: registryOf(image), result: answer.result, message: stalled ? why : error.stderrTail.join('\n') },
            ],
          });
        if (REALITY_SEVERITY[answer.result] === 'fail') throw fail(quoted);
        // Rate-limited, unreachable, stalled, or an error no rule knows ("unexpected answer"): another try may succeed.
        if (attempt >= PULL_TRIES) throw fail(`${quoted}; tried ${PULL_TRIES} times`);
        const wait = BACKOFF_MS * 2 ** (attempt - 1);
        s.line(`${image}: ${REALITY_TITLES[answer.result].toLowerCase()} (${quoted}); trying again in ${seconds(wait)}`, 'stderr');
        await sleep(wait, s.signal);
      } finally {
        running.delete(pull);
      }
    }
  };

  // Reads every node's downloads while pulls run: a line per image at most every 10 s, the step's
  // total, and the stalled pulls killed. A node whose ctr cannot be read gets neither progress nor
  // stall detection (said once); its pulls still end when crictl does.
  const stop = new AbortController();
  const unreadable = new Set<string>();
  const watch = async () => {
    const pause = AbortSignal.any([s.signal, stop.signal]);
    while (!pause.aborted) {
      await sleep(Math.min(POLL_MS, stallMs / 3), pause).catch(() => undefined);
      if (pause.aborted) return;
      for (const node of nodes.filter((node) => !unreadable.has(node) && [...running].some((pull) => pull.node === node))) {
        const { tool, args } = activeIngests(params, node);
        try {
          const listed = await read(tool, args);
          ingests.get(node)!.observe(parseActiveIngests(listed.stdout), Date.now());
        } catch (error) {
          if (!(error instanceof ToolError) || s.signal.aborted) return;
          unreadable.add(node);
          s.line(
            `${node}: \`ctr content active\` failed (${error.stderrTail.at(-1) ?? error.message}); no progress or stall detection there`,
            'stderr',
          );
        }
      }
      const now = Date.now();
      for (const pull of running) {
        if (unreadable.has(pull.node)) continue;
        if (pull.stall.signal.aborted) continue;
        const seen = ingests.get(pull.node)!.since(pull.started);
        if (seen.open && now - seen.moved >= stallMs) {
          s.line(`${pull.image}: no bytes for ${seconds(now - seen.moved)}; stopping the pull`, 'stderr');
          pull.stall.abort();
        } else if (seen.bytes > 0 && now - pull.lastLine >= LINE_EVERY_MS) {
          pull.lastLine = now;
          // The node's downloads are not told apart by image: the bytes are the node's since this pull began.
          s.line(`pulling ${pull.image}: ${formatBytes(seen.bytes)} received by ${pull.node} since it began`);
        }
      }
      message();
    }
  };
  const watching = watch();

  let failed = false;
  try {
    // Promise.all rejects with the first failure: the step fails at once with that image, and no
    // further pull starts (those already running end on their own or with the job's signal).
    await Promise.all(
      Array.from({ length: Math.min(PULL_CONCURRENCY, total) }, async () => {
        while (next < total && !failed) {
          const { node, target } = work[next++]!;
          await pullOne(node, target).catch((error: unknown) => {
            failed = true;
            throw error;
          });
          done++;
          message();
        }
      }),
    );
  } finally {
    stop.abort();
    await watching;
  }
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;
