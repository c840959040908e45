// The install job as a DAG of idempotent steps. Each step is built from the job's saved params
// alone (so a restarted app resumes the same plan) and knows its dependencies, whether it is safe
// to skip, and what it runs.
import { strimziOperator } from '../ops/strimzi.js';
import { neededOperators } from '../plan.js';
import { clusterStep, namespaceStep, preflightStep, secretsStep } from './cluster.js';
import { imagesStep } from './images.js';
import { operatorStep, strimziCrdsStep } from './operators.js';
import { releaseStep } from './releases.js';
import type { StepEnv, StepSpec, UpParams } from './step.js';

export function upSteps(env: StepEnv, params: UpParams): StepSpec[] {
  const { plan } = env;
  // Dependencies on releases this tenant does not get are dropped (the plan: "zammad only when it is installed").
  const releases = plan.tenant.releases
    .filter((release) => params.releases.includes(release.name))
    .map((release) => ({ ...release, dependsOn: release.dependsOn.filter((dep) => params.releases.includes(dep)) }));
  // Only the operators the chosen releases name (the pipeline profile needs no Flink or OpenSearch operator).
  const operators = neededOperators(plan, params.releases);
  const steps: StepSpec[] = [
    { ...preflightStep(env, params), dependsOn: [], skippable: true },
    { ...clusterStep(env, params), dependsOn: ['preflight'], skippable: false },
    // Pulled into the kind node beside the operators, so the releases' readiness waits hold no pulls;
    // skippable for a node whose containerd pulls through a mirror. An existing context has no such step (images.ts).
    ...(params.target.mode === 'kind' ? [{ ...imagesStep(env, params), dependsOn: ['cluster'], skippable: true }] : []),
    ...operators.map((operator) => ({
      ...operatorStep(env, params, operator),
      dependsOn: ['cluster', ...operator.dependsOn.map((dep) => `operator:${dep}`)],
      skippable: false,
    })),
  ];
  const strimzi = operators.find((operator) => operator === strimziOperator(plan));
  if (strimzi) steps.push({ ...strimziCrdsStep(env, params, strimzi), dependsOn: ['operator:strimzi'], skippable: false });
  steps.push(
    { ...namespaceStep(env, params), dependsOn: ['cluster'], skippable: false },
    { ...secretsStep(env, params), dependsOn: ['preflight'], skippable: false },
  );

  const operatorSteps = new Set(steps.filter((step) => step.kind === 'operator' || step.kind === 'crds').map((step) => step.id));
  const dependents = new Set(releases.flatMap((release) => release.dependsOn));
  const images = steps.some((step) => step.id === 'images') ? ['images'] : [];
  let previous: string | undefined;
  for (const release of releases) {
    const operatorDeps = release.operators.flatMap((name) =>
      name === 'strimzi' && operatorSteps.has('crds:strimzi') ? ['crds:strimzi'] : [`operator:${name}`],
    );
    const dependsOn =
      params.schedule === 'serial'
        ? previous
          ? [previous]
          : ['namespace', 'secrets', ...images, ...operatorSteps]
        : ['namespace', 'secrets', ...images, ...operatorDeps, ...release.dependsOn.map((dep) => `release:${dep}`)];
    steps.push({ ...releaseStep(env, params, release), dependsOn, skippable: !dependents.has(release.name) });
    previous = `release:${release.name}`;
  }
  return steps;
}
