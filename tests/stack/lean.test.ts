// A first `logclaw up` with no options installs the lean pipeline profile on a kind cluster (the
// FAKE kind: kwok), on a machine the size of an 8 GB laptop's Docker Desktop: exactly its four
// releases, only the operators they need (no Flink or OpenSearch operator), every image they use
// pulled into the kind node once before the releases (through the FAKE docker's crictl), the
// profile's lower resources in place, a preflight that passes its resource check without being told
// to, and a doctor that expects those four releases.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StackStatus } from '#contract/stack.js';
import { runCli } from '../support/cli.js';
import { useTestEnv } from '../support/test-env.js';
import { type StackTestSetup, jsonLines, playOperators, stackEnv, stackSetup } from './support.js';

const CLUSTER = `ln${Date.now().toString(36).slice(-5)}`;
const TENANT = 'lean';
/** The images of the lean profile: its six releases' renders and the inventory's for its three operators and Strimzi's brokers. */
const LEAN_IMAGES = [
  'docker.io/library/busybox:1.38.0',
  'docker.io/library/node:22.23.2-alpine',
  'docker.io/opensearchproject/opensearch:2.14.0',
  'docker.io/timberio/vector:0.38.0-debian',
  'ghcr.io/external-secrets/external-secrets:v0.10.3',
  'quay.io/jetstack/cert-manager-acmesolver:v1.16.1',
  'quay.io/jetstack/cert-manager-cainjector:v1.16.1',
  'quay.io/jetstack/cert-manager-controller:v1.16.1',
  'quay.io/jetstack/cert-manager-startupapicheck:v1.16.1',
  'quay.io/jetstack/cert-manager-webhook:v1.16.1',
  'quay.io/strimzi/kafka:0.50.1-kafka-4.1.1',
  'quay.io/strimzi/operator:0.50.1',
];

describe('logclaw up: the lean pipeline profile by default', () => {
  let setup: StackTestSetup;
  let home: string;
  let env: NodeJS.ProcessEnv;
  let player: ReturnType<typeof playOperators>;

  beforeAll(async () => {
    const { tools } = await useTestEnv('tools');
    setup = await stackSetup(tools);
    home = mkdtempSync(join(tmpdir(), 'logclaw-stack-lean-'));
    // Docker Desktop's default VM on an 8 GB laptop: half the memory, 4 CPUs (tests/stack/profiles.test.ts).
    env = stackEnv(setup, home, { LOGCLAW_FAKE_DOCKER_NCPU: '4', LOGCLAW_FAKE_DOCKER_MEM_TOTAL: String(4 * 1024 ** 3) });
    player = playOperators(() => ({ file: join(home, 'stack', 'kubeconfig'), context: `kind-${CLUSTER}` }));
  }, 600_000);

  afterAll(async () => {
    await player?.stop();
    if (env) await execa('kind', ['delete', 'cluster', '--name', CLUSTER], { env, reject: false });
    await setup?.operators.close();
    if (home) rmSync(home, { recursive: true, force: true });
  }, 120_000);

  it('installs exactly the pipeline releases and the operators they need, with the profile values', async () => {
    // Only what depends on this machine is accepted; the resource check must pass on its own.
    const up = await runCli(
      ['up', '--cluster', CLUSTER, '--tenant', TENANT, '--timeout', '3m', '--ignore-preflight', 'vm-max-map-count,disk', '--json'],
      env,
    );
    const events = jsonLines<{ event: string; id?: string; state?: string; step?: string; text?: string }>(up.stdout);
    expect(
      events.find((event) => event.event === 'result'),
      up.stderr,
    ).toMatchObject({ state: 'succeeded', ok: true });
    const done = events.filter((event) => event.event === 'step' && event.state === 'done').map((event) => event.id);
    expect(done.sort()).toEqual(
      [
        'preflight',
        'cluster',
        'images',
        'operator:cert-manager',
        'operator:external-secrets',
        'operator:strimzi',
        'crds:strimzi',
        'namespace',
        'secrets',
        'release:platform',
        'release:kafka',
        'release:opensearch',
        'release:ingestion',
        'release:anomaly-scorer',
        'release:ticketing-agent',
      ].sort(),
    );
    // Every image of the profile (its renders, its operators' and Strimzi's run-time Kafka image) was
    // pulled into the node once, at most three at a time, each start and end on a line of its own.
    const pulls = events.filter((event) => event.event === 'line' && event.step === 'images').map((event) => event.text!);
    const started = pulls.filter((line) => line.startsWith('pulling ') && !line.includes(' images into ')).map((line) => line.slice(8));
    const ended = pulls.map((line) => /^pulled (\S+) in \d+\.\ds$/.exec(line)?.[1]).filter(Boolean);
    expect(started).toEqual(LEAN_IMAGES);
    expect([...ended].sort()).toEqual(LEAN_IMAGES);
    expect(pulls[0]).toBe(`pulling ${LEAN_IMAGES.length} images into ${CLUSTER}-control-plane, 3 at a time`);
    let inFlight = 0;
    const widths = pulls.slice(1).map((line) => (inFlight += line.startsWith('pulling ') ? 1 : -1));
    expect(widths.slice(0, 3)).toEqual([1, 2, 3]);
    expect(Math.max(...widths)).toBe(3);
    expect(events.filter((event) => event.event === 'message' && event.id === 'images').at(-1)).toMatchObject({
      text: `${LEAN_IMAGES.length}/${LEAN_IMAGES.length} images pulled`,
    });
    // What the node's containerd was asked (the FAKE docker records every crictl pull in the cluster's folder).
    const node = `${CLUSTER}-control-plane`;
    const asked = readFileSync(join(home, 'fake-kind', 'clusters', CLUSTER, `containerd-${node}.log`), 'utf8')
      .trim()
      .split('\n');
    expect(asked.sort()).toEqual(LEAN_IMAGES);
    // The releases waited for the pulls: none started before the images step was done.
    const at = (id: string, state: string) =>
      events.findIndex((event) => event.event === 'step' && event.id === id && event.state === state);
    expect(at('release:platform', 'running')).toBeGreaterThan(at('images', 'done'));
    const resources = events.find(
      (event) => event.event === 'line' && event.step === 'preflight' && event.text?.includes('Memory and CPU'),
    );
    expect(resources?.text).toMatch(/^✓ Memory and CPU for the stack: docker has 4 CPU and 4\.0 GiB; .*the pipeline profile's 6 releases/);

    const status = JSON.parse((await runCli(['status', '--json', '--tenant', TENANT], env)).stdout) as StackStatus;
    expect(status.operators.map((op) => [op.name, op.status])).toEqual([
      ['cert-manager', 'deployed'],
      ['external-secrets', 'deployed'],
      ['strimzi', 'deployed'],
      ['flink-operator', 'not installed'],
      ['opensearch-operator', 'not installed'],
    ]);
    expect(status.releases.filter((release) => release.status === 'deployed').map((release) => release.name)).toEqual([
      'platform',
      'kafka',
      'opensearch',
      'ingestion',
      'anomaly-scorer',
      'ticketing-agent',
    ]);
    expect(new Set(status.components.map((component) => component.name))).toEqual(
      new Set(['opensearch', 'ingestion', 'anomaly-scorer', 'ticketing-agent']),
    );

    // The profile's values reached the charts: Kafka's one node with 1 GiB instead of the local 2.
    const kc = new KubeConfig();
    kc.loadFromFile(join(home, 'stack', 'kubeconfig'));
    kc.setCurrentContext(`kind-${CLUSTER}`);
    const pool = (await kc.makeApiClient(CustomObjectsApi).getNamespacedCustomObject({
      group: 'kafka.strimzi.io',
      version: 'v1',
      namespace: `logclaw-${TENANT}`,
      plural: 'kafkanodepools',
      name: 'combined',
    })) as { spec: { resources: unknown } };
    expect(pool.spec.resources).toEqual({ requests: { cpu: '500m', memory: '1Gi' }, limits: { memory: '1Gi' } });

    // The doctor expects what this install chose, not the full stack.
    const health = JSON.parse((await runCli(['doctor', '--health', '--json', '--tenant', TENANT], env)).stdout) as {
      items: Array<{ id: string; status: string; summary: string }>;
    };
    expect(health.items.find((item) => item.id === 'releases')).toMatchObject({ status: 'ok', summary: '6/6 releases deployed.' });
  }, 900_000);
});
