import { describe, expect, it } from 'vitest';
import { sourceRoot } from '../paths.js';
import { DEFAULT_PROFILE } from '#contract/stack.js';
import type { Mirrors } from '#contract/index.js';
import { inventoryPath, readInventory } from '../images/inventory.js';
import { parseImageRef } from '../images/reference.js';
import { StackPlan as StackPlanSchema, neededOperators, operatorValues, readPlan, selectReleases, valuesForChart } from './plan.js';
import { upSteps } from './steps/graph.js';
import { type StepEnv, type UpParams, stepCommands } from './steps/step.js';
import { downSteps } from './steps/uninstall.js';
import { kindTarget } from './target.js';

const plan = readPlan(sourceRoot());
const FULL = { profile: 'full', toggles: [] };
const PIPELINE = { profile: 'pipeline', toggles: [] };
const names = (list: Array<{ name: string }>) => list.map((item) => item.name);

function env(mirrors: Mirrors = {}): StepEnv {
  return {
    ctx: { appRoot: '/app', dataDir: '/data', env: {}, settings: { current: { mirrors } } } as unknown as StepEnv['ctx'],
    plan,
    chartsDir: '/app/charts',
    secrets: {} as StepEnv['secrets'],
    preflight: async () => ({ ok: true, lines: [], report: {} }),
    images: async () => [],
  };
}

function params(overrides: Partial<UpParams> = {}): UpParams {
  return {
    tenant: 'dev-local',
    storageClass: 'standard',
    target: kindTarget('/data', 'logclaw-dev'),
    timeout: '20m',
    ignorePreflight: [],
    profile: 'full',
    releases: names(selectReleases(plan, FULL, {})),
    schedule: 'dag',
    ...overrides,
  };
}

describe('install plan → releases', () => {
  it("the full profile is the seed's 8 releases with the anomaly scorer; Zammad only when enabled; a chart can be turned off", () => {
    expect(names(selectReleases(plan, FULL, {}))).toEqual([
      'platform',
      'kafka',
      'opensearch',
      'ingestion',
      'flink',
      'ml-engine',
      'airflow',
      'anomaly-scorer',
      'ticketing-agent',
    ]);
    const withZammad = selectReleases(plan, FULL, { 'logclaw-zammad': { enabled: true } });
    expect(names(withZammad)).toContain('zammad');
    expect(withZammad.find((r) => r.name === 'ticketing-agent')!.dependsOn).toEqual(['kafka', 'ml-engine', 'zammad']);
    expect(selectReleases(plan, FULL, {}).find((r) => r.name === 'ticketing-agent')!.dependsOn).toEqual(['kafka', 'ml-engine']);
    expect(names(selectReleases(plan, FULL, { 'logclaw-airflow': { enabled: false } }))).not.toContain('airflow');
  });

  it('the pipeline profile (the default) is platform, Kafka, OpenSearch, ingestion, the scorer and the agent; its toggles add Airflow, Feast and Flink in plan order', () => {
    expect(DEFAULT_PROFILE).toBe('pipeline');
    expect(names(selectReleases(plan, PIPELINE, {}))).toEqual([
      'platform',
      'kafka',
      'opensearch',
      'ingestion',
      'anomaly-scorer',
      'ticketing-agent',
    ]);
    expect(selectReleases(plan, PIPELINE, {}).find((r) => r.name === 'ticketing-agent')!.dependsOn).toEqual(['kafka']);
    expect(names(selectReleases(plan, { profile: 'pipeline', toggles: ['flink', 'airflow'] }, {}))).toEqual([
      'platform',
      'kafka',
      'opensearch',
      'ingestion',
      'flink',
      'airflow',
      'anomaly-scorer',
      'ticketing-agent',
    ]);
    expect(names(selectReleases(plan, { profile: 'pipeline', toggles: ['feast'] }, {}))).toContain('ml-engine');
    // The tenant's values still add or remove single releases.
    expect(names(selectReleases(plan, PIPELINE, { 'logclaw-ml-engine': { enabled: true } }))).toContain('ml-engine');
    expect(names(selectReleases(plan, { profile: 'pipeline', toggles: ['airflow'] }, { 'logclaw-airflow': { enabled: false } }))).toEqual([
      'platform',
      'kafka',
      'opensearch',
      'ingestion',
      'anomaly-scorer',
      'ticketing-agent',
    ]);
  });

  it('refuses an unknown profile or toggle, naming the known ones', () => {
    expect(() => selectReleases(plan, { profile: 'tiny', toggles: [] }, {})).toThrow(
      expect.objectContaining({ code: 'INVALID_REQUEST', hint: 'Choose one of pipeline, full.' }),
    );
    expect(() => selectReleases(plan, { profile: 'pipeline', toggles: ['zammad'] }, {})).toThrow(
      expect.objectContaining({ message: 'The pipeline profile has no toggle zammad', hint: 'Its toggles: airflow, feast, flink.' }),
    );
  });

  it('installs only the operators the releases name, with their dependencies', () => {
    const operators = (choice: { profile: string; toggles: string[] }) =>
      names(neededOperators(plan, names(selectReleases(plan, choice, {}))));
    expect(operators(PIPELINE)).toEqual(['cert-manager', 'external-secrets', 'strimzi']);
    expect(operators({ profile: 'pipeline', toggles: ['airflow', 'feast'] })).toEqual(['cert-manager', 'external-secrets', 'strimzi']);
    expect(operators({ profile: 'pipeline', toggles: ['flink'] })).toEqual([
      'cert-manager',
      'external-secrets',
      'strimzi',
      'flink-operator',
    ]);
    expect(operators(FULL)).toEqual(['cert-manager', 'external-secrets', 'strimzi', 'flink-operator']);
    // A dependency comes along even when no release names it (the Flink operator's webhook certificate needs cert-manager).
    expect(names(neededOperators(plan, ['flink']))).toEqual(['cert-manager', 'flink-operator']);
  });

  it('a plan whose profile names a release it does not have, or one only values enable, is refused', () => {
    const raw = (profiles: unknown): unknown => ({ ...plan, profiles });
    const pipeline = plan.profiles.find((p) => p.name === 'pipeline')!;
    expect(StackPlanSchema.safeParse(raw([{ ...pipeline, releases: ['kafka', 'nope'] }])).error?.issues.map((i) => i.message)).toEqual([
      'profile pipeline names release nope, which is not in tenant.releases',
    ]);
    expect(StackPlanSchema.safeParse(raw([{ ...pipeline, releases: ['zammad'] }])).error?.issues.map((i) => i.message)).toEqual([
      'profile pipeline names release zammad, which is local: false',
    ]);
    expect(StackPlanSchema.safeParse(raw([{ ...pipeline, name: 'lean' }])).error?.issues.map((i) => i.message)).toEqual([
      'no profile is named pipeline (the default)',
    ]);
  });

  it('a release gets `global` and its own section of a tenant-layout file', () => {
    expect(
      valuesForChart({ global: { tier: 'standard' }, 'logclaw-kafka': { a: 1 }, 'logclaw-opensearch': { b: 2 } }, 'logclaw-kafka'),
    ).toEqual({ global: { tier: 'standard' }, a: 1 });
  });
});

describe('install steps', () => {
  it('form a DAG: operators after the cluster, releases after their dependencies and operators, Kafka after the Strimzi CRD check', () => {
    const steps = upSteps(env(), params());
    const deps = Object.fromEntries(steps.map((step) => [step.id, step.dependsOn]));
    expect(steps.map((step) => step.id)).toEqual([
      'preflight',
      'cluster',
      'images',
      'operator:cert-manager',
      'operator:external-secrets',
      'operator:strimzi',
      'operator:flink-operator',
      'crds:strimzi',
      'namespace',
      'secrets',
      'release:platform',
      'release:kafka',
      'release:opensearch',
      'release:ingestion',
      'release:flink',
      'release:ml-engine',
      'release:airflow',
      'release:anomaly-scorer',
      'release:ticketing-agent',
    ]);
    expect(deps['cluster']).toEqual(['preflight']);
    expect(deps['operator:flink-operator']).toEqual(['cluster', 'operator:cert-manager']);
    // The images are pulled beside the operators; every release waits for them, so its readiness wait holds no pull.
    expect(deps['images']).toEqual(['cluster']);
    expect(deps['release:platform']).toEqual(['namespace', 'secrets', 'images', 'operator:cert-manager', 'operator:external-secrets']);
    expect(deps['release:kafka']).toEqual(['namespace', 'secrets', 'images', 'crds:strimzi', 'release:platform']);
    expect(deps['release:ticketing-agent']).toEqual(['namespace', 'secrets', 'images', 'release:kafka', 'release:ml-engine']);
    // Safe to skip: preflight, the pulls (a node with a registry mirror), and the releases nothing else needs.
    expect(steps.filter((step) => step.skippable).map((step) => step.id)).toEqual([
      'preflight',
      'images',
      'release:ingestion',
      'release:flink',
      'release:airflow',
      'release:anomaly-scorer',
      'release:ticketing-agent',
    ]);
  });

  it('of the pipeline profile: its three operators, no Flink or OpenSearch operator; its values file on the charts it lowers', () => {
    const releases = names(selectReleases(plan, PIPELINE, {}));
    const steps = upSteps(env(), params({ profile: 'pipeline', releases }));
    expect(steps.map((step) => step.id)).toEqual([
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
    ]);
    const helmLine = (id: string) => stepCommands(steps.find((step) => step.id === id)!)[0];
    expect(helmLine('release:kafka')).toContain(
      '-f /app/charts/logclaw-kafka/ci/default-values.yaml -f /data/stack/values/dev-local/kafka.profile.yaml -f /data/stack/values/dev-local/kafka.app.yaml',
    );
    // The platform chart has no profile values: no profile file.
    expect(helmLine('release:platform')).not.toContain('.profile.yaml');
  });

  it("show the commands they stand for, with the app's kubeconfig and context", () => {
    const steps = upSteps(env(), params());
    expect(stepCommands(steps.find((s) => s.id === 'cluster')!)[0]).toBe(
      'kind create cluster --name logclaw-dev --config /data/stack/kind-logclaw-dev.yaml --kubeconfig /data/stack/kubeconfig --wait 120s',
    );
    // An operator installs from the chart archive its step pulled and checked.
    expect(stepCommands(steps.find((s) => s.id === 'operator:strimzi')!).find((line) => line.startsWith('helm upgrade'))).toBe(
      'helm upgrade --install strimzi /data/stack/charts/strimzi-kafka-operator-0.50.1/strimzi-kafka-operator-0.50.1.tgz --namespace strimzi-system --create-namespace -f /data/stack/values/operators/strimzi.yaml --timeout 20m --kubeconfig /data/stack/kubeconfig --kube-context kind-logclaw-dev',
    );
    expect(stepCommands(steps.find((s) => s.id === 'release:kafka')!)[0]).toBe(
      'helm upgrade --install logclaw-kafka-dev-local /app/charts/logclaw-kafka --namespace logclaw-dev-local -f /app/charts/logclaw-kafka/ci/default-values.yaml -f /data/stack/values/dev-local/kafka.app.yaml --timeout 20m --kubeconfig /data/stack/kubeconfig --kube-context kind-logclaw-dev',
    );
    expect(stepCommands(steps.find((s) => s.id === 'crds:strimzi')!)[1]).toContain(
      'strimzi-crds-0.50.1.yaml --server-side --force-conflicts',
    );
  });

  it('an existing context gets no images step: its nodes are not containers here, and releases do not wait for one', () => {
    const steps = upSteps(env(), params({ target: { mode: 'existing', kubeconfig: ['/k'], context: 'c' } }));
    expect(steps.map((step) => step.id)).not.toContain('images');
    expect(steps.find((step) => step.id === 'release:platform')?.dependsOn).toEqual([
      'namespace',
      'secrets',
      'operator:cert-manager',
      'operator:external-secrets',
    ]);
  });

  it('the serial schedule (benchmark baseline) chains the releases in plan order', () => {
    const steps = upSteps(env(), params({ schedule: 'serial' })).filter((step) => step.kind === 'release');
    expect(steps.slice(1).map((step) => step.dependsOn)).toEqual(steps.slice(0, -1).map((step) => [step.id]));
  });

  it('uninstall reverses the dependencies, then deletes the namespace', () => {
    const installed = ['platform', 'kafka', 'ml-engine', 'ticketing-agent'].map((name) => ({ name, release: `logclaw-${name}-t` }));
    const steps = downSteps(env(), {
      tenant: 't',
      target: { mode: 'existing', kubeconfig: ['/k'], context: 'c' },
      deleteCluster: false,
      installed,
      timeout: '5m',
    });
    const deps = Object.fromEntries(steps.map((step) => [step.id, step.dependsOn]));
    expect(deps['uninstall:platform']).toEqual(['uninstall:kafka']);
    expect(deps['uninstall:kafka']).toEqual(['uninstall:ml-engine', 'uninstall:ticketing-agent']);
    expect(deps['uninstall:ticketing-agent']).toEqual([]);
    expect(deps['namespace-delete']).toHaveLength(4);
    // The kubeconfig is named on the line because it is named on the command that runs.
    expect(stepCommands(steps.find((step) => step.id === 'uninstall:kafka')!)[0]).toBe(
      'helm uninstall logclaw-kafka-t -n logclaw-t --wait --timeout 5m --kubeconfig /k --kube-context c',
    );
  });
});

describe('mirrors from the settings', () => {
  const MIRROR = 'mirror.example:5000/hub';
  const strings = (node: unknown): string[] =>
    typeof node === 'string' ? [node] : node && typeof node === 'object' ? Object.values(node).flatMap(strings) : [];

  it("give every operator the mirror for each image the inventory lists for it, and only the mirror's values change", () => {
    const inventory = readInventory(inventoryPath(sourceRoot()));
    for (const operator of plan.operators) {
      const values = operatorValues(operator, { images: MIRROR });
      expect(operatorValues(operator, {}), operator.name).toBe(operator.values);
      const named = strings(values).filter((value) => value.startsWith(MIRROR));
      expect(named.length, operator.name).toBeGreaterThan(0);
      for (const entry of inventory.filter((image) => image.usedBy.includes(operator.name))) {
        const { repository } = parseImageRef(entry.image);
        // Strimzi's values name the registry only ({defaultImageRegistry}/{defaultImageRepository}/…).
        const ok = named.some((value) => value === MIRROR || value === `${MIRROR}/${repository}`);
        expect(ok, `${operator.name}: ${entry.image} on ${MIRROR}`).toBe(true);
      }
    }
  });

  it('pull the operator charts from the chart mirror, the test hook before it', () => {
    const charts = 'https://charts.example.com/mirror/';
    const pulls = (e: StepEnv) =>
      upSteps(e, params())
        .filter((step) => step.kind === 'operator')
        .map((step) => stepCommands(step)[0]);
    expect(pulls(env({ operatorCharts: charts })).every((line) => line?.includes(`--repo ${charts}`))).toBe(true);
    expect(
      pulls({ ...env({ operatorCharts: charts }), operatorRepo: 'http://127.0.0.1:9/' }).every((line) =>
        line?.includes('--repo http://127.0.0.1:9/'),
      ),
    ).toBe(true);
    expect(pulls(env()).some((line) => line?.includes('--repo https://charts.jetstack.io'))).toBe(true);
  });
});
