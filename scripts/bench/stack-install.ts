// Benchmark: the tenant releases installed as the app does (a DAG, independent releases at the same
// time) versus the same releases one after another in the seed's helmfile order, each waiting for
// readiness, on the simulated cluster (test-env kube: kube-apiserver + kwok; operators from the FAKE
// stand-in repository; Strimzi's Ready and volume binding played by the test harness). Prints the
// wall times and their ratio (this machine is noisy: compare within one run only).
//   npx tsx scripts/bench/stack-install.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createBackend } from '../../electron/backend.js';
import type { Job } from '#contract/index.js';
import { StackService } from '../../electron/services/stack/stack-service.js';
import { playOperators, stackSetup } from '../../tests/stack/support.js';
import { down, up } from '../test-env/env.js';
import type { KubeEndpoint } from '../test-env/kube/component.js';
import type { ToolsEndpoint } from '../test-env/tools/component.js';

const ROUNDS = 2;

/** Wall time of the release steps: first release started → last release finished. */
function releasePhase(job: Job): number {
  const releases = job.steps.filter((step) => step.id.startsWith('release:'));
  return Math.max(...releases.map((step) => step.endedAt!)) - Math.min(...releases.map((step) => step.startedAt!));
}

const stateDir = mkdtempSync(join(tmpdir(), 'logclaw-bench-'));
process.env.LOGCLAW_TEST_ENV_DIR = stateDir;
const dataDir = mkdtempSync(join(tmpdir(), 'logclaw-bench-data-'));
try {
  const env = (await up(['kube', 'tools'], { stateDir, log: () => undefined })) as { kube: KubeEndpoint; tools: ToolsEndpoint };
  const setup = await stackSetup(env.tools);
  const player = playOperators(() => ({ file: env.kube.kubeconfig, context: env.kube.context }));
  const backend = await createBackend({
    transport: 'cli',
    dataDir,
    kubeTarget: { kubeconfig: env.kube.kubeconfig, context: env.kube.context },
    env: {
      ...process.env,
      PATH: [dirname(env.tools.helm), process.env.PATH].join(':'),
      KUBECONFIG: env.kube.kubeconfig,
      LOGCLAW_CHARTS_DIR: setup.chartsDir,
      LOGCLAW_OPERATOR_CHART_REPO: setup.operators.url,
      LOGCLAW_STRIMZI_CRDS_URL: setup.operators.strimziCrdsUrl,
      LOGCLAW_ALLOW_STAND_INS: '1',
    },
  });
  const stack = new StackService(backend);
  const install = async (tenant: string, schedule: 'dag' | 'serial'): Promise<Job> => {
    const params = await stack.upParams({
      tenant,
      target: { mode: 'existing', context: env.kube.context },
      timeout: '5m',
      ignorePreflight: ['all'],
    });
    const started = await stack.startUp({ ...params, schedule });
    const done = await backend.jobs.wait(started.id);
    if (done.state !== 'succeeded') throw new Error(`${tenant} (${schedule}) ${done.state}: ${done.failure?.message ?? ''}`);
    return done;
  };
  try {
    // Operators once per cluster (and helm's caches warm), not measured.
    await install('benchwarm', 'dag');
    const times: Record<'dag' | 'serial', number[]> = { dag: [], serial: [] };
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate the order so neither schedule always runs on a warmer machine.
      for (const schedule of round % 2 ? (['serial', 'dag'] as const) : (['dag', 'serial'] as const)) {
        const job = await install(`bench${schedule[0]}${round}`, schedule);
        times[schedule].push(releasePhase(job));
        console.log(
          `  round ${round + 1} ${schedule.padEnd(6)} ${(releasePhase(job) / 1000).toFixed(1)} s for ${job.steps.filter((s) => s.id.startsWith('release:')).length} releases`,
        );
      }
    }
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
    const dag = mean(times.dag);
    const serial = mean(times.serial);
    console.log(`tenant releases, DAG (parallel where independent): ${(dag / 1000).toFixed(1)} s`);
    console.log(`tenant releases, serial (helmfile order):           ${(serial / 1000).toFixed(1)} s`);
    console.log(`ratio DAG/serial: ${(dag / serial).toFixed(2)} (the DAG takes ${Math.round((1 - dag / serial) * 100)}% less wall time)`);
  } finally {
    await backend.close();
    await player.stop();
    await setup.operators.close();
  }
} finally {
  await down({ stateDir, log: () => undefined });
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(stateDir, { recursive: true, force: true });
}
