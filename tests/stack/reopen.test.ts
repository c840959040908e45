// Reopening the app after it was killed mid-install: the journal shows the job as interrupted, the
// window (not the CLI) resumes it from the first unfinished step, finished steps stay as they were;
// a job another live process still runs is left alone. No cluster needed: the resumed step fails
// fast against an address nothing listens on, which is enough to see what ran.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Job } from '#contract/index.js';
import { createBackend } from '../../electron/backend.js';
import { neededOperators, readPlan, selectReleases } from '../../electron/services/stack/plan.js';
import { sourceRoot } from '../../electron/services/paths.js';
import { useTempDir } from '../support/temp.js';

const tempDir = useTempDir('logclaw-stack-reopen-');

/** A journal as a killed process leaves it: state running, every step done but the last one running. */
function killedMidInstall(dataDir: string): Job {
  const kubeconfig = join(dataDir, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]',
      'users: [{name: u, user: {token: x}}]',
      'contexts: [{name: c, context: {cluster: c, user: u}}]',
      'current-context: c',
    ].join('\n'),
  );
  const plan = readPlan(sourceRoot());
  const releases = selectReleases(plan, { profile: 'full', toggles: [] }, {}).map((release) => release.name);
  const ids = [
    'preflight',
    'cluster',
    ...neededOperators(plan, releases).map((op) => `operator:${op.name}`),
    'crds:strimzi',
    'namespace',
    'secrets',
    ...releases.map((name) => `release:${name}`),
  ];
  const at = Date.now() - 60_000;
  const job: Job = {
    id: 'stack-up-killed-000001',
    kind: 'stack-up',
    title: 'Install rs',
    state: 'running',
    createdAt: at,
    updatedAt: at,
    params: {
      tenant: 'rs',
      storageClass: 'standard',
      target: { mode: 'existing', kubeconfig: [kubeconfig], context: 'c', explicitKubeconfig: true },
      timeout: '5s',
      ignorePreflight: [],
      releases,
      schedule: 'dag',
    },
    steps: ids.map((id, index) => ({
      id,
      title: id,
      state: index === ids.length - 1 ? 'running' : 'done',
      startedAt: at + index,
      endedAt: index === ids.length - 1 ? undefined : at + index + 1,
      commands: [],
    })),
  };
  mkdirSync(join(dataDir, 'jobs'), { recursive: true });
  writeFileSync(join(dataDir, 'jobs', `${job.id}.json`), JSON.stringify(job));
  return job;
}

describe('reopening after a kill mid-install', () => {
  it('the window resumes the interrupted install from its first unfinished step; the CLI only shows it', async () => {
    const dataDir = tempDir();
    const killed = killedMidInstall(dataDir);
    const cli = await createBackend({ transport: 'cli', dataDir });
    try {
      expect(cli.jobs.get(killed.id).state).toBe('interrupted');
      expect((await cli.call('stack:status', { tenant: 'rs' })).job).toMatchObject({ id: killed.id, state: 'interrupted' });
    } finally {
      await cli.close();
    }

    const window = await createBackend({ transport: 'http', dataDir });
    try {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const done = await window.jobs.wait(killed.id);
      expect(done.state).toBe('failed');
      expect(done.failure?.stepId).toBe('release:ticketing-agent');
      // Only the unfinished step ran again; the others kept their original times.
      for (const [index, step] of done.steps.slice(0, -1).entries())
        expect([step.state, step.startedAt]).toEqual(['done', killed.steps[index]!.startedAt]);
      expect(done.steps.at(-1)!.startedAt).toBeGreaterThan(killed.createdAt + 60_000 - 1);
    } finally {
      await window.close();
    }
  });

  it('a resumed job with nothing left to run (its failed step skipped) finishes and leaves no lock behind', async () => {
    const dataDir = tempDir();
    const killed = killedMidInstall(dataDir);
    const backend = await createBackend({ transport: 'cli', dataDir });
    try {
      const resumed = await backend.call('stack:resume', { id: killed.id, skip: ['release:ticketing-agent'] });
      expect((await backend.jobs.wait(resumed.id)).state).toBe('succeeded');
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(existsSync(join(dataDir, 'stack', 'running.json'))).toBe(false);
      // So another process may start the next stack job.
      expect((await backend.call('stack:status', { tenant: 'rs' })).runningElsewhere).toBeNull();
    } finally {
      await backend.close();
    }
  });

  it('leaves a job alone while another live process runs it', async () => {
    const dataDir = tempDir();
    const killed = killedMidInstall(dataDir);
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    try {
      mkdirSync(join(dataDir, 'stack'), { recursive: true });
      writeFileSync(join(dataDir, 'stack', 'running.json'), JSON.stringify({ pid: other.pid, jobId: killed.id, at: Date.now() }));
      const window = await createBackend({ transport: 'http', dataDir });
      try {
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(window.jobs.isRunning(killed.id)).toBe(false);
        const status = await window.call('stack:status', { tenant: 'rs' });
        expect(status.runningElsewhere).toBe(other.pid);
        await expect(window.call('stack:resume', { id: killed.id })).rejects.toMatchObject({ code: 'JOB_BUSY' });
      } finally {
        await window.close();
      }
    } finally {
      other.kill();
    }
  });
});
