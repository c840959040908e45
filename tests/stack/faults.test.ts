// Faults of `logclaw up` on an existing cluster (the test-env kube: real kube-apiserver, kwok node,
// upstream CRDs; operators from the FAKE stand-in repository, tenant charts from charts/): helm
// failing on one release and the retry after the fix, a Deployment that never becomes Ready, a
// cancel, and the CLI killed mid-install then resumed. One file, so the operators (one set per
// cluster) are installed once and the scenarios run one after another.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from '#contract/index.js';
import { Diagnosis, type StackStatus } from '#contract/stack.js';
import { createBackend } from '../../electron/backend.js';
import { LOGCLAW_BIN, runCli } from '../support/cli.js';
import { ensureNamespace, kubeConfigOf, waitFor } from '../support/kube.js';
import { type EndpointTypes, useTestEnv } from '../support/test-env.js';
import { type StackTestSetup, jsonLines, playOperators, stackEnv, stackSetup } from './support.js';

const RUN = Date.now().toString(36).slice(-4);
const tenant = (name: string) => `${name}${RUN}`;

/** Waits for a line of a running `logclaw up`; fails at once, with its stderr, if it exits first. */
async function waitForOutput(child: ChildProcess, output: () => string, check: (events: Event[]) => boolean, what: string): Promise<void> {
  let err = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  let exited: number | null | undefined;
  child.once('exit', (code) => (exited = code));
  await waitFor(
    () => {
      if (check(jsonLines<Event>(output()))) return true;
      if (exited !== undefined) throw new Error(`logclaw up exited (${exited}) before ${what}:\n${err}\n${output().slice(-3000)}`);
      return false;
    },
    what,
    240_000,
  );
}

interface Event {
  event: string;
  id?: string;
  state?: string;
  at?: number;
  text?: string;
  job?: string;
  failure?: Job['failure'];
}

/**
 * A tenant-layout values file whose ingestion receiver asks for more CPU than any node has. Preflight
 * renders with it and fails its resource check: the runs that use it accept that check, so the
 * cluster's scheduler is what refuses the pod.
 */
const NEVER_READY = 'logclaw-ingestion:\n  receiver:\n    resources:\n      requests: {cpu: "64", memory: 64Mi}\n';

describe('logclaw up: faults, retry, cancel and resume', () => {
  let kube: EndpointTypes['kube'];
  let setup: StackTestSetup;
  let home: string;
  let env: NodeJS.ProcessEnv;
  let player: ReturnType<typeof playOperators>;
  let neverReady: string;

  // The full profile: the failures below need its ticketing agent (a leaf behind ml-engine).
  const up = (name: string, ...extra: string[]) => [
    'up',
    '--profile',
    'full',
    '--context',
    kube.context,
    '--tenant',
    name,
    '--timeout',
    '90s',
    '--json',
    ...extra,
  ];
  const status = async (name: string) =>
    JSON.parse((await runCli(['status', '--json', '--tenant', name, '--context', kube.context], env)).stdout) as StackStatus;

  beforeAll(async () => {
    const envs = await useTestEnv('kube', 'tools');
    kube = envs.kube;
    setup = await stackSetup(envs.tools);
    home = mkdtempSync(join(tmpdir(), 'logclaw-stack-faults-'));
    env = stackEnv(setup, home, { KUBECONFIG: kube.kubeconfig });
    neverReady = join(home, 'never-ready.yaml');
    writeFileSync(neverReady, NEVER_READY);
    player = playOperators(() => ({ file: kube.kubeconfig, context: kube.context }));
  }, 600_000);

  afterAll(async () => {
    await player?.stop();
    await setup?.operators.close();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it("helm failing on one release gives helm's reason and the fix; a retry after the fix finishes only what was left", async () => {
    const name = tenant('fa');
    const namespace = `logclaw-${name}`;
    const kc = kubeConfigOf(kube);
    await ensureNamespace(kc, namespace);
    // An object of the same name that helm does not own: the classic "cannot be imported" failure.
    await kc.makeApiClient(CoreV1Api).createNamespacedConfigMap({
      namespace,
      body: { metadata: { name: `logclaw-ticketing-agent-${name}` }, data: { owner: 'someone else' } },
    });

    const first = await runCli(up(name), env);
    expect(first.exitCode, first.stderr).toBe(1);
    const events = jsonLines<Event>(first.stdout);
    const result = events.find((event) => event.event === 'result')!;
    expect(result.failure).toMatchObject({ stepId: 'release:ticketing-agent', code: 'HELM_FAILED' });
    expect(result.failure!.message).toContain('exists and cannot be imported into the current release');
    expect(result.failure!.hint).toContain(`kubectl delete configmap logclaw-ticketing-agent-${name} -n ${namespace}`);
    expect((result.failure!.detail as { command: string }).command).toMatch(
      new RegExp(`^helm upgrade --install logclaw-ticketing-agent-${name} `),
    );
    // After a failure nothing new starts (fail fast); steps already running finish.
    const doneFirst = new Set(events.filter((event) => event.event === 'step' && event.state === 'done').map((event) => event.id!));
    expect(doneFirst.has('release:ml-engine')).toBe(true);

    await kc.makeApiClient(CoreV1Api).deleteNamespacedConfigMap({ name: `logclaw-ticketing-agent-${name}`, namespace });
    const retry = await runCli(up(name), env);
    expect(retry.exitCode, retry.stderr).toBe(0);
    const again = jsonLines<Event>(retry.stdout);
    expect(again.find((event) => event.event === 'result')!.job).toBe(result.job);
    const ranAgain = again.filter((event) => event.event === 'step' && event.state === 'running').map((event) => event.id!);
    expect(ranAgain).toContain('release:ticketing-agent');
    expect(ranAgain.filter((id) => doneFirst.has(id))).toEqual([]);
    expect(ranAgain.length + doneFirst.size).toBe(18);
    const after = await status(name);
    expect(after.releases.every((release) => release.status === 'deployed')).toBe(true);
    expect(after.releases.find((release) => release.name === 'platform')?.revision).toBe(1);
  }, 600_000);

  it("a Deployment that never becomes Ready fails its step within the timeout, with the pod's events; skipping it finishes the install", async () => {
    const name = tenant('fb');
    const run = await runCli(up(name, '--values', neverReady, '--ignore-preflight', 'resources', '--timeout', '20s'), env);
    expect(run.exitCode).toBe(1);
    const events = jsonLines<Event>(run.stdout);
    const failure = events.find((event) => event.event === 'result')!.failure!;
    expect(failure).toMatchObject({ stepId: 'release:ingestion', code: 'TIMEOUT' });
    expect(failure.message).toContain(`Not ready after 20s: deployment/logclaw-ingestion-${name}`);
    expect(failure.hint).toMatch(/too little CPU or memory/);
    const diagnosis = Diagnosis.parse((failure.detail as { diagnosis: unknown }).diagnosis);
    expect(diagnosis.pods[0]!.name).toMatch(new RegExp(`^logclaw-ingestion-${name}-`));
    expect(
      diagnosis.pods[0]!.events.some((event) => event.reason === 'FailedScheduling' && event.message.includes('Insufficient cpu')),
    ).toBe(true);
    const started = events.find((event) => event.event === 'step' && event.id === 'release:ingestion' && event.state === 'running')!.at!;
    const ended = events.find((event) => event.event === 'step' && event.id === 'release:ingestion' && event.state === 'failed')!.at!;
    // The wait starts after helm returns: 20 s of waiting plus helm and the diagnosis.
    expect(ended - started).toBeGreaterThanOrEqual(20_000);
    expect(ended - started).toBeLessThan(60_000);

    // Ingestion is a leaf of the DAG, so it may be skipped (the app's "Skip step").
    const backend = await createBackend({
      transport: 'cli',
      dataDir: home,
      env: { ...env, KUBECONFIG: kube.kubeconfig },
      kubeTarget: { context: kube.context },
    });
    try {
      const jobId = events.find((event) => event.event === 'result')!.job!;
      await expect(backend.call('stack:resume', { id: jobId, skip: ['release:platform'] })).rejects.toMatchObject({
        code: 'INVALID_REQUEST',
      });
      const resumed = await backend.call('stack:resume', { id: jobId, skip: ['release:ingestion'] });
      const done = await backend.jobs.wait(resumed.id);
      expect(done.state).toBe('succeeded');
      expect(done.steps.find((step) => step.id === 'release:ingestion')?.state).toBe('skipped');
    } finally {
      await backend.close();
    }
  }, 600_000);

  it('Ctrl-C cancels cleanly: the running step is cancelled, never marked done, and every done release is deployed and ready', async () => {
    const name = tenant('fc');
    const child = spawn(
      process.execPath,
      [LOGCLAW_BIN, ...up(name, '--values', neverReady, '--ignore-preflight', 'resources', '--timeout', '5m')],
      {
        env,
      },
    );
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    // Cancel while the ingestion step waits for its Deployment (helm has installed it).
    await waitForOutput(
      child,
      () => out,
      (events) =>
        events.some((event) => event.event === 'message' && event.id === 'release:ingestion' && /deployment\//.test(event.text ?? '')),
      'the ingestion step waiting',
    );
    child.kill('SIGINT');
    const [code] = await once(child, 'exit');
    expect(code).toBe(130);
    expect(jsonLines<Event>(out).find((event) => event.event === 'result')).toMatchObject({ state: 'cancelled' });

    const after = await status(name);
    expect(after.job!.state).toBe('cancelled');
    const steps = new Map(after.job!.steps.map((step) => [step.id, step.state]));
    expect(steps.get('release:ingestion')).toBe('cancelled');
    expect([...steps.values()]).not.toContain('running');
    const pods = after.components.flatMap((component) => component.pods.map((pod) => ({ ...pod, component: component.name })));
    for (const release of after.releases) {
      if (steps.get(`release:${release.name}`) !== 'done') continue;
      expect(release.status, release.release).toBe('deployed');
      for (const pod of pods.filter((p) => p.component === release.name && p.phase !== 'Succeeded'))
        expect(pod.ready, pod.name).toBe(pod.containers);
    }
  }, 600_000);

  it('the CLI killed (SIGKILL) mid-install: a new `logclaw up` resumes the same job and does not redo finished steps', async () => {
    const name = tenant('fd');
    const child = spawn(process.execPath, [LOGCLAW_BIN, ...up(name)], { env });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    await waitForOutput(
      child,
      () => out,
      (events) => events.some((event) => event.event === 'step' && event.id === 'release:platform' && event.state === 'done'),
      'release:platform done',
    );
    child.kill('SIGKILL');
    await once(child, 'exit');
    const before = jsonLines<Event>(out);

    // The journal still says running; the next process sees it was interrupted, with what was done.
    const interrupted = await status(name);
    expect(interrupted.job!.state).toBe('interrupted');
    const doneBefore = new Set(interrupted.job!.steps.filter((step) => step.state === 'done').map((step) => step.id));
    expect(doneBefore.has('release:platform')).toBe(true);
    for (const event of before.filter((e) => e.event === 'step' && e.state === 'done')) expect(doneBefore.has(event.id!)).toBe(true);

    const resumed = await runCli(up(name), env);
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    const events = jsonLines<Event>(resumed.stdout);
    expect(events.find((event) => event.event === 'result')!.job).toBe(before.find((event) => event.event === 'job')!.job);
    const ranAgain = events.filter((event) => event.event === 'step' && event.state === 'running').map((event) => event.id!);
    expect(ranAgain.filter((id) => doneBefore.has(id))).toEqual([]);
    expect(ranAgain.length + doneBefore.size).toBe(18);
    const after = await status(name);
    expect(after.releases.every((release) => release.status === 'deployed')).toBe(true);
    // Installed once: the platform release was not upgraded again by the resumed run.
    expect(after.releases.find((release) => release.name === 'platform')?.revision).toBe(1);
  }, 600_000);
});
