// The images step (kind targets only): every image the chosen releases render (and the inventory's
// run-time and operator images) pulled into the kind node's containerd right after the cluster exists,
// beside the operators. Without it the pulls happen inside the releases' readiness waits, where a slow
// registry looks like a hung install and uses up the step's timeout; here a pull is a failure only
// when crictl fails, however long it takes.
//
// `docker exec <node> crictl pull <image>` stores each image once, in the node's containerd, where the
// pods run. `docker pull` + `kind load docker-image` would keep a second copy in the host's Docker and
// copy it into the node through a tar stream.
//
// An existing context gets no such step: its nodes are not containers on this machine, and its
// runtime pulls through whatever mirror and credentials its operators configured.
import { AppError } from '#contract/index.js';
import { REALITY_SEVERITY, REALITY_TITLES, type RealityResult } from '#contract/images.js';
import type { StepContext } from '../../jobs/job-runner.js';
import { ToolError } from '../../tools/run-tool.js';
import type { ToolCall } from '../../tools/tools-service.js';
import { imageAdvice } from '../../images/advice.js';
import { classifyPullMessage } from '../../images/pull-message.js';
import type { ImageTarget } from '../../images/reality.js';
import { registryOf } from '../../images/reference.js';
import type { NetworkFailure } from '../../images/registry-client.js';
import { type StepBody, type StepEnv, type UpParams, kindEnv, sleep, stepTools } from './step.js';

/** Pulls at once: enough to overlap registry round trips, few enough not to saturate a laptop's link. */
export const PULL_CONCURRENCY = 3;
/** Tries of an image whose registry rate-limits or cannot be reached, and the first back-off (doubled each time). */
export const PULL_TRIES = 4;
const BACKOFF_MS = 2_000;
/** A pull running this long gets a line saying it is still running (crictl reports no bytes to judge a stall by). */
const SLOW_PULL_MS = 120_000;

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
  s.line(`pulling ${images.length} images into ${nodes.join(', ')}, ${PULL_CONCURRENCY} at a time`);
  let done = 0;
  let next = 0;
  s.message(`0/${total} ${unit}`);
  const pullOne = async (node: string, target: ImageTarget): Promise<void> => {
    const image = target.ref;
    const command = crictlPull(params, node, image);
    for (let attempt = 1; ; attempt++) {
      const started = Date.now();
      s.line(`pulling ${image}${attempt > 1 ? ` (try ${attempt} of ${PULL_TRIES})` : ''}`);
      const slow = setTimeout(
        () => s.line(`${image}: still pulling after ${SLOW_PULL_MS / 60_000} min (not failed: waiting for crictl)`),
        SLOW_PULL_MS,
      );
      try {
        // crictl's own output (the image's digest) is not the step's news; its error text is classified below.
        await exec(command, { onLine: () => undefined });
        s.line(`pulled ${image} in ${seconds(Date.now() - started)}`);
        return;
      } catch (error) {
        if (!(error instanceof ToolError)) throw error;
        const verdict = classifyPullMessage(error.stderrTail);
        const answer = { result: verdict?.result ?? 'error', ...(verdict?.network ? { network: verdict.network } : {}) } as const;
        const quoted = verdict ? `"${verdict.phrase}" in crictl's error` : (error.stderrTail.at(-1) ?? 'no error output');
        if (REALITY_SEVERITY[answer.result] === 'fail') throw pullFailed(target, node, answer, quoted, error.stderrTail);
        // Rate-limited, unreachable, or an error no rule knows ("unexpected answer"): another try may succeed.
        if (attempt >= PULL_TRIES) throw pullFailed(target, node, answer, `${quoted}; tried ${PULL_TRIES} times`, error.stderrTail);
        const wait = BACKOFF_MS * 2 ** (attempt - 1);
        s.line(`${image}: ${REALITY_TITLES[answer.result].toLowerCase()} (${quoted}); trying again in ${seconds(wait)}`, 'stderr');
        await sleep(wait, s.signal);
      } finally {
        clearTimeout(slow);
      }
    }
  };
  let failed = false;
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
        s.message(`${++done}/${total} ${unit}`);
      }
    }),
  );
}

/** The step's failure for an image: the image, its registry, what crictl said, and the fix (a mirror where this image's is configured). */
function pullFailed(
  target: ImageTarget,
  node: string,
  answer: { result: RealityResult; network?: NetworkFailure },
  quoted: string,
  stderr: string[],
) {
  const registry = registryOf(target.ref);
  return new AppError(
    'IMAGE_PULL_FAILED',
    `Image ${target.ref} (${target.usedBy.join(', ')}) cannot be pulled from ${registry}: ${REALITY_TITLES[answer.result].toLowerCase()} (${quoted})`,
    {
      hint: imageAdvice(registry, answer, { mirror: target.mirror, proxied: false }).fix ?? 'Fix the image reference, then retry the step.',
      detail: { pulls: [{ node, image: target.ref, registry, result: answer.result, message: stderr.join('\n') }] },
    },
  );
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;
