// What the Stack timeline shows ("copy as commands") is what the installer runs: an install with a
// values file on a kind cluster (the FAKE kind: a kwok cluster), then the uninstall and the cluster's
// deletion, with every tool run recorded at the exec boundary (the backend's onExec) and compared
// with each step's planned lines (shown before it runs) and the lines it added while it ran.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Backend, createBackend } from '../../electron/backend.js';
import { type ToolCommand, shellLine } from '#contract/command.js';
import type { Job } from '#contract/index.js';
import type { StepInfo } from '#contract/stack.js';
import { isEquivalentLine } from '../../electron/services/stack/ops/shown.js';
import { useTestEnv } from '../support/test-env.js';
import { type StackTestSetup, playOperators, stackEnv, stackSetup } from './support.js';

const CLUSTER = `sh${Date.now().toString(36).slice(-5)}`;
const TENANT = 'shown';

/** Runs nobody is shown: reads that decide what to do (helm list/status, kind get, version probes, a kind node's downloads). */
const READ =
  /^(?:\S+=\S+ )*(?:helm (?:list|history|status|get|template|version)|kubectl (?:get|version|config)|kind (?:get|version)|(?:docker|podman) (?:info|version|--version|exec \S+ ctr -n k8s\.io content active$)|\S+ --version)\b/;

interface Ran {
  line: string;
  command: ToolCommand;
}

describe('the installer runs what it shows', () => {
  let setup: StackTestSetup;
  let home: string;
  let backend: Backend;
  let player: ReturnType<typeof playOperators>;
  const ran: Ran[] = [];

  beforeAll(async () => {
    const { tools } = await useTestEnv('tools');
    setup = await stackSetup(tools);
    home = mkdtempSync(join(tmpdir(), 'logclaw-stack-shown-'));
    const env = stackEnv(setup, home);
    backend = await createBackend({
      transport: 'cli',
      dataDir: home,
      env,
      onExec: ({ binary: _binary, ...command }) => void ran.push({ line: shellLine(command), command }),
    });
    player = playOperators(() => ({ file: join(home, 'stack', 'kubeconfig'), context: `kind-${CLUSTER}` }));
  }, 600_000);

  afterAll(async () => {
    await player?.stop();
    await backend?.close();
    await setup?.operators.close();
    if (home) rmSync(home, { recursive: true, force: true });
  }, 120_000);

  /** Runs a stack job to its end; returns it, the steps as the timeline planned them, and what ran. */
  async function runJob(start: () => Promise<Job>): Promise<{ job: Job; planned: StepInfo[]; changes: string[] }> {
    const from = ran.length;
    const started = await start();
    const planned = (await backend.call('stack:status', { tenant: TENANT })).steps;
    expect(planned.map((step) => step.id)).toEqual(started.steps.map((step) => step.id));
    const job = await backend.jobs.wait(started.id);
    expect(job.state, JSON.stringify(job.failure)).toBe('succeeded');
    return {
      job,
      planned,
      changes: ran
        .slice(from)
        .map((entry) => entry.line)
        .filter((line) => !READ.test(line)),
    };
  }

  /** Every change that ran was shown on a step, and every command a step planned to run ran as planned. */
  function expectShownIsRun({ job, planned, changes }: Awaited<ReturnType<typeof runJob>>): void {
    const shownWhileRunning = job.steps.flatMap((step) => step.commands).filter((line) => !isEquivalentLine(line));
    const plannedRuns = planned.flatMap((step) => step.commands).filter((line) => !isEquivalentLine(line));
    expect(
      changes.filter((line) => !shownWhileRunning.includes(line)),
      'changes no step showed',
    ).toEqual([]);
    expect(
      plannedRuns.filter((line) => !changes.includes(line)),
      'planned commands that did not run as shown',
    ).toEqual([]);
    expect(
      shownWhileRunning.filter((line) => !changes.includes(line)),
      'shown commands that did not run as shown',
    ).toEqual([]);
  }

  it("install of the default (pipeline) profile: every command, with the profile's and the user's values files, runs exactly as the timeline shows it", async () => {
    const valuesFile = join(home, 'my values.yaml');
    writeFileSync(valuesFile, 'global:\n  tier: standard\n');
    const install = await runJob(() =>
      backend.call('stack:up', {
        tenant: TENANT,
        target: { mode: 'kind', cluster: CLUSTER },
        valuesFile,
        timeout: '3m',
        ignorePreflight: ['vm-max-map-count', 'disk', 'resources'],
      }),
    );
    expectShownIsRun(install);
    // The plan covered every kind of step; each tenant release shows the user's values file, those
    // the profile lowers its values file before the app's.
    expect(install.changes.some((line) => line.startsWith(`kind create cluster --name ${CLUSTER}`))).toBe(true);
    // The images step shows its pulls as it runs them (the images are known once helm renders): one
    // crictl pull per image into the node, each run once, exactly as shown.
    const pulls = install.job.steps.find((step) => step.id === 'images')!.commands;
    expect(pulls.length).toBeGreaterThan(0);
    expect(pulls.filter((line) => !line.startsWith(`docker exec ${CLUSTER}-control-plane crictl pull `))).toEqual([]);
    expect(new Set(pulls).size).toBe(pulls.length);
    expect(install.changes.filter((line) => line.includes(' crictl pull ')).sort()).toEqual([...pulls].sort());
    const releases = install.planned.filter((step) => step.id.startsWith('release:'));
    expect(releases.map((step) => step.id)).toEqual([
      'release:platform',
      'release:kafka',
      'release:opensearch',
      'release:ingestion',
      'release:anomaly-scorer',
      'release:ticketing-agent',
    ]);
    for (const step of releases) {
      const file = (which: string) => join(home, 'stack', 'values', TENANT, `${step.id.slice('release:'.length)}.${which}.yaml`);
      const helm = step.commands.find((line) => line.startsWith('helm upgrade --install'));
      expect(helm).toContain(`-f ${file('user')}`);
      if (step.id === 'release:platform') expect(helm).not.toContain(file('profile'));
      else expect(helm).toContain(`-f ${file('profile')} -f ${file('app')}`);
    }
    // No dev secret is on a command line, shown or run.
    const { secrets } = await backend.call('stack:secrets', { tenant: TENANT });
    const everything = [
      ...install.job.steps.flatMap((step) => step.commands),
      ...ran.map((entry) => [...entry.command.args, entry.command.stdin ?? ''].join(' ')),
    ].join('\n');
    for (const secret of secrets) expect(everything).not.toContain(secret.value);
  }, 900_000);

  it('uninstall and cluster deletion run what they show', async () => {
    expectShownIsRun(await runJob(() => backend.call('stack:down', { tenant: TENANT, deleteCluster: false, confirm: TENANT })));
    const deletion = await runJob(() =>
      backend.call('stack:down', { tenant: TENANT, deleteCluster: true, cluster: CLUSTER, confirm: CLUSTER }),
    );
    expectShownIsRun(deletion);
    expect(deletion.changes, 'the cluster is deleted by kind').toEqual([
      expect.stringMatching(new RegExp(`^kind delete cluster --name ${CLUSTER}\\b`)),
    ]);
  }, 600_000);
});
