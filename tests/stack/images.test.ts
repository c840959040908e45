// The install's images step on a kind cluster (the FAKE kind: kwok; the FAKE docker answers
// `docker exec <node> crictl pull` with containerd's error texts for marked tags): an image that does
// not exist fails the install at once with IMAGE_PULL_FAILED, naming the image, its registry and the
// fix, before any release is installed; after the values are fixed (here: a tag the registry
// rate-limits once), the same command resumes the install, and the rate-limited pull is tried again.
// A download that stops moving is killed after the stall window and retried, and fails the install
// after the last try; a slow one is shown as it moves.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from '#contract/index.js';
import { runCli } from '../support/cli.js';
import { useTestEnv } from '../support/test-env.js';
import { type StackTestSetup, jsonLines, playOperators, stackEnv, stackSetup } from './support.js';

const CLUSTER = `im${Date.now().toString(36).slice(-5)}`;
const TENANT = 'pulls';
const VECTOR = 'docker.io/timberio/vector';
// Long enough that a FAKE crictl still starting on a loaded machine (or a read of the node's
// downloads delayed by load) is not taken for a stall; each stalled try waits this long.
const STALL_MS = 8000;

interface Event {
  event: string;
  id?: string;
  state?: string;
  step?: string;
  text?: string;
  failure?: Job['failure'];
}

describe('the images step pulls into the kind node before the releases', () => {
  let setup: StackTestSetup;
  let home: string;
  let env: NodeJS.ProcessEnv;
  let values: string;
  let player: ReturnType<typeof playOperators>;

  beforeAll(async () => {
    const { tools } = await useTestEnv('tools');
    setup = await stackSetup(tools);
    home = mkdtempSync(join(tmpdir(), 'logclaw-stack-images-'));
    env = stackEnv(setup, home, {
      LOGCLAW_FAKE_DOCKER_NCPU: '8',
      LOGCLAW_FAKE_DOCKER_MEM_TOTAL: String(16 * 1024 ** 3),
      // A short stall window (the step reads the node's downloads a third as often).
      LOGCLAW_PULL_STALL_MS: String(STALL_MS),
    });
    values = join(home, 'values.yaml');
    player = playOperators(() => ({ file: join(home, 'stack', 'kubeconfig'), context: `kind-${CLUSTER}` }));
  }, 600_000);

  afterAll(async () => {
    await player?.stop();
    if (env) await execa('kind', ['delete', 'cluster', '--name', CLUSTER], { env, reject: false });
    await setup?.operators.close();
    if (home) rmSync(home, { recursive: true, force: true });
  }, 120_000);

  const up = () =>
    runCli(
      [
        'up',
        '--cluster',
        CLUSTER,
        '--tenant',
        TENANT,
        '--values',
        values,
        '--timeout',
        '3m',
        '--ignore-preflight',
        'vm-max-map-count,disk',
        '--json',
      ],
      env,
    );
  const vectorTag = (tag: string) => writeFileSync(values, `logclaw-ingestion:\n  image:\n    tag: ${tag}\n`);
  /** Every crictl pull the node's containerd was asked for, in order (recorded by the FAKE docker). */
  const asked = () =>
    readFileSync(join(home, 'fake-kind', 'clusters', CLUSTER, `containerd-${CLUSTER}-control-plane.log`), 'utf8')
      .trim()
      .split('\n');

  it('an image that does not exist fails the install at once with IMAGE_PULL_FAILED, before any release', async () => {
    vectorTag('0.38.0-missing');
    const first = await up();
    expect(first.exitCode, first.stderr).toBe(1);
    const events = jsonLines<Event>(first.stdout);
    const result = events.find((event) => event.event === 'result')!;
    expect(result.failure).toMatchObject({ stepId: 'images', code: 'IMAGE_PULL_FAILED' });
    expect(result.failure!.message).toBe(
      `Image ${VECTOR}:0.38.0-missing (ingestion) cannot be pulled from docker.io: not found ("NotFound" in crictl's error)`,
    );
    expect(result.failure!.hint).toContain(
      'Pin a tag that docker.io has, or mirror the image and point global.imageRegistry in your values',
    );
    expect(result.failure!.detail).toMatchObject({
      pulls: [{ node: `${CLUSTER}-control-plane`, image: `${VECTOR}:0.38.0-missing`, registry: 'docker.io', result: 'not-found' }],
    });
    // Tried once: a missing tag does not come back by waiting.
    expect(asked().filter((image) => image === `${VECTOR}:0.38.0-missing`)).toHaveLength(1);
    expect(events.some((event) => event.event === 'step' && event.id?.startsWith('release:') && event.state === 'running')).toBe(false);
  }, 900_000);

  it('after the fix the same command resumes; a rate-limited image is tried again after a back-off and the install finishes', async () => {
    vectorTag('0.38.0-ratelimited');
    const second = await up();
    const events = jsonLines<Event>(second.stdout);
    expect(
      events.find((event) => event.event === 'result'),
      `${JSON.stringify(events.find((event) => event.event === 'result')?.failure)}\n${second.stderr}`,
    ).toMatchObject({ state: 'succeeded', ok: true });
    const lines = events.filter((event) => event.event === 'line' && event.step === 'images').map((event) => event.text);
    const image = `${VECTOR}:0.38.0-ratelimited`;
    expect(lines).toContain(`${image}: rate-limited ("429 Too Many Requests" in crictl's error); trying again in 2.0s`);
    expect(lines).toContain(`pulling ${image} (try 2 of 4)`);
    expect(lines.filter((line) => line?.startsWith(`pulled ${image} in `))).toHaveLength(1);
    expect(asked().filter((name) => name === image)).toEqual([image, image]);
    // The resumed job did not create the cluster again, and its releases are installed.
    expect(events.some((event) => event.event === 'step' && event.id === 'cluster' && event.state === 'running')).toBe(false);
    // Releases that do not depend on one another finish in any order.
    const installed = events.filter((event) => event.event === 'step' && event.state === 'done' && event.id?.startsWith('release:'));
    expect(installed.map((event) => event.id).sort()).toEqual(
      ['platform', 'kafka', 'opensearch', 'ingestion', 'anomaly-scorer', 'ticketing-agent'].map((name) => `release:${name}`).sort(),
    );
  }, 900_000);

  const imageLines = (events: Event[]) =>
    events.filter((event) => event.event === 'line' && event.step === 'images').map((event) => event.text!);

  it('a slow pull shows the bytes its node receives as they move, and the install finishes', async () => {
    vectorTag('0.38.0-slow');
    const third = await up();
    const events = jsonLines<Event>(third.stdout);
    expect(
      events.find((event) => event.event === 'result'),
      third.stderr,
    ).toMatchObject({ state: 'succeeded', ok: true });
    const image = `${VECTOR}:0.38.0-slow`;
    const lines = imageLines(events);
    // The FAKE download moves 7.65 MB each time it is read, from 3.1 MB; the first line is at the first bytes seen.
    expect(lines).toContain(`pulling ${image}: 3.1 MB received by ${CLUSTER}-control-plane since it began`);
    expect(lines.filter((line) => line.startsWith(`pulled ${image} in `))).toHaveLength(1);
    expect(asked().filter((name) => name === image)).toEqual([image]);
    const messages = events.filter((event) => event.event === 'message' && event.id === 'images').map((event) => event.text!);
    expect(messages.some((text) => / images pulled, [\d.]+ MB received$/.test(text))).toBe(true);
  }, 900_000);

  it('a pull whose download stops moving is killed after the stall window, retried, and fails the install after the last try', async () => {
    vectorTag('0.38.0-stalled');
    const fourth = await up();
    expect(fourth.exitCode, fourth.stderr).toBe(1);
    const events = jsonLines<Event>(fourth.stdout);
    const image = `${VECTOR}:0.38.0-stalled`;
    const result = events.find((event) => event.event === 'result')!;
    expect(result.failure).toMatchObject({ stepId: 'images', code: 'IMAGE_PULL_FAILED' });
    expect(result.failure!.message).toBe(
      `Image ${image} (ingestion) cannot be pulled from docker.io: unreachable (stalled: no bytes for 8 s; tried 4 times)`,
    );
    expect(result.failure!.detail).toMatchObject({
      pulls: [{ node: `${CLUSTER}-control-plane`, image, registry: 'docker.io', result: 'unreachable' }],
    });
    const lines = imageLines(events);
    expect(lines).toContain(`${image}: unreachable (stalled: no bytes for 8 s); trying again in 2.0s`);
    expect(lines).toContain(`pulling ${image} (try 4 of 4)`);
    expect(lines.filter((line) => line.startsWith(`${image}: no bytes for `) && line.endsWith('; stopping the pull'))).toHaveLength(4);
    expect(asked().filter((name) => name === image)).toHaveLength(4);
    // Each stalled pull was ended inside the node too (killing docker exec leaves crictl running there).
    expect(readdirSync(join(home, 'fake-kind', 'clusters', CLUSTER, `procs-${CLUSTER}-control-plane`))).toEqual([]);
  }, 900_000);
});
