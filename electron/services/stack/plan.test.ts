import { describe, expect, it } from 'vitest';
import { sourceRoot } from '../paths.js';
import { readPlan, selectReleases, valuesForChart } from './plan.js';
import { upSteps } from './steps/graph.js';
import { type StepEnv, type UpParams, stepCommands } from './steps/step.js';
import { downSteps } from './steps/uninstall.js';
import { kindTarget } from './target.js';

const plan = readPlan(sourceRoot());

function env(): StepEnv {
  return {
    ctx: { dataDir: '/data', env: {} } as unknown as StepEnv['ctx'],
    plan,
    chartsDir: '/app/charts',
    secrets: {} as StepEnv['secrets'],
    preflight: async () => ({ ok: true, lines: [], report: {} }),
  };
}

function params(overrides: Partial<UpParams> = {}): UpParams {
  return {
    tenant: 'dev-local',
    storageClass: 'standard',
    target: kindTarget('/data', 'logclaw-dev'),
    timeout: '20m',
    ignorePreflight: [],
    releases: selectReleases(plan, {}).map((release) => release.name),
    schedule: 'dag',
    ...overrides,
  };
}

describe('install plan → releases', () => {
  it("the local profile is the seed's 8 releases; Zammad only when enabled; a chart can be turned off", () => {
    expect(selectReleases(plan, {}).map((r) => r.name)).toEqual([
      'platform',
      'kafka',
      'opensearch',
      'ingestion',
      'flink',
      'ml-engine',
      'airflow',
      'ticketing-agent',
    ]);
    const withZammad = selectReleases(plan, { 'logclaw-zammad': { enabled: true } });
    expect(withZammad.map((r) => r.name)).toContain('zammad');
    expect(withZammad.find((r) => r.name === 'ticketing-agent')!.dependsOn).toEqual(['kafka', 'ml-engine', 'zammad']);
    expect(selectReleases(plan, {}).find((r) => r.name === 'ticketing-agent')!.dependsOn).toEqual(['kafka', 'ml-engine']);
    expect(selectReleases(plan, { 'logclaw-airflow': { enabled: false } }).map((r) => r.name)).not.toContain('airflow');
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
      'operator:cert-manager',
      'operator:external-secrets',
      'operator:strimzi',
      'operator:flink-operator',
      'operator:opensearch-operator',
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
      'release:ticketing-agent',
    ]);
    expect(deps['cluster']).toEqual(['preflight']);
    expect(deps['operator:flink-operator']).toEqual(['cluster', 'operator:cert-manager']);
    expect(deps['release:platform']).toEqual(['namespace', 'secrets', 'operator:cert-manager', 'operator:external-secrets']);
    expect(deps['release:kafka']).toEqual(['namespace', 'secrets', 'crds:strimzi', 'release:platform']);
    expect(deps['release:ticketing-agent']).toEqual(['namespace', 'secrets', 'release:kafka', 'release:ml-engine']);
    // Safe to skip: preflight and the releases nothing else needs.
    expect(steps.filter((step) => step.skippable).map((step) => step.id)).toEqual([
      'preflight',
      'release:ingestion',
      'release:flink',
      'release:airflow',
      'release:ticketing-agent',
    ]);
  });

  it("show the commands they stand for, with the app's kubeconfig and context", () => {
    const steps = upSteps(env(), params());
    expect(stepCommands(steps.find((s) => s.id === 'cluster')!)[0]).toBe(
      'kind create cluster --name logclaw-dev --config /data/stack/kind-logclaw-dev.yaml --kubeconfig /data/stack/kubeconfig --wait 120s',
    );
    expect(stepCommands(steps.find((s) => s.id === 'operator:strimzi')!)[0]).toBe(
      'helm upgrade --install strimzi strimzi-kafka-operator --repo https://strimzi.io/charts/ --version 0.50.1 --namespace strimzi-system --create-namespace -f /data/stack/values/operators/strimzi.yaml --timeout 20m --kubeconfig /data/stack/kubeconfig --kube-context kind-logclaw-dev',
    );
    expect(stepCommands(steps.find((s) => s.id === 'release:kafka')!)[0]).toBe(
      'helm upgrade --install logclaw-kafka-dev-local /app/charts/logclaw-kafka --namespace logclaw-dev-local -f /app/charts/logclaw-kafka/ci/default-values.yaml -f /data/stack/values/dev-local/kafka.app.yaml --timeout 20m --kubeconfig /data/stack/kubeconfig --kube-context kind-logclaw-dev',
    );
    expect(stepCommands(steps.find((s) => s.id === 'crds:strimzi')!)[1]).toContain(
      'strimzi-crds-0.50.1.yaml --server-side --force-conflicts',
    );
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
