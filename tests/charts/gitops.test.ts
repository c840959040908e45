// The bundled GitOps files: the Argo CD AppProject and ApplicationSet (validated by a real
// kube-apiserver with Argo CD's CRDs), and the tenant files they deploy.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { REPO_ROOT } from '../../scripts/charts/lib.js';
import { TENANTS_DIR } from '../../scripts/charts/schema.js';
import { crdsDir, installCrds, kubectlRun } from '../../scripts/test-env/kube/helpers.js';
import { useTestEnv } from '../support/test-env.js';
import { type K8sObject, preparedCharts, renderFailure, render, repoYaml } from './support.js';

const ARGO = join(REPO_ROOT, 'resources', 'gitops', 'argocd');
const appSet = repoYaml<K8sObject>('resources/gitops/argocd/applicationset.yaml');
const project = repoYaml<K8sObject>('resources/gitops/argocd/appproject.yaml');
const tenantFiles = readdirSync(TENANTS_DIR).filter((f) => /^tenant-.*\.yaml$/.test(f));

type AppSetSpec = {
  generators: { git: { repoURL: string; files: { path: string }[] } }[];
  template: {
    metadata: { name: string };
    spec: {
      project: string;
      source: { path: string; helm: { releaseName: string; valueFiles: string[] } };
      destination: { namespace: string };
    };
  };
};
const spec = appSet.spec as unknown as AppSetSpec;

/** What the ApplicationSet controller generates for one tenant file (its Go templates filled in). */
function generatedApplication(file: string): string {
  const values = YAML.parse(readFileSync(join(TENANTS_DIR, file), 'utf8')) as { global: { tenantId: string } };
  const template = YAML.stringify({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', ...spec.template, metadata: { ...spec.template.metadata, namespace: 'argocd' } });
  return template
    .replaceAll('{{ .global.tenantId }}', values.global.tenantId)
    .replaceAll('{{ .path.path }}', 'gitops/tenants')
    .replaceAll('{{ .path.filename }}', file);
}

function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`);
}

describe('GitOps files', () => {
  let helm: string;
  let chartsDir: string;
  beforeAll(async () => {
    const { tools } = await useTestEnv('tools');
    helm = tools.helm;
    chartsDir = await preparedCharts(helm);
  });

  it('the ApplicationSet picks up every tenant-*.yaml and not _template.yaml', () => {
    const pattern = globToRegExp(spec.generators[0]!.git.files[0]!.path);
    for (const f of tenantFiles) expect(pattern.test(`gitops/tenants/${f}`), f).toBe(true);
    expect(pattern.test('gitops/tenants/_template.yaml')).toBe(false);
    expect(tenantFiles).toEqual(expect.arrayContaining(['tenant-acme.yaml', 'tenant-dev-local.yaml']));
  });

  it('each generated Application installs the umbrella as logclaw-<tenantId> into namespace logclaw-<tenantId> with the tenant file', () => {
    const app = YAML.parse(generatedApplication('tenant-acme.yaml')) as { metadata: { name: string }; spec: AppSetSpec['template']['spec'] };
    expect(app.metadata.name).toBe('logclaw-acme');
    expect(app.spec.project).toBe(project.metadata.name);
    expect(app.spec.source.path).toBe('charts/logclaw-tenant');
    expect(app.spec.source.helm.releaseName).toBe('logclaw-acme');
    expect(app.spec.destination.namespace).toBe('logclaw-acme');
    // valueFiles are relative to the chart folder in the same repository.
    expect(join('charts/logclaw-tenant', app.spec.source.helm.valueFiles[0]!)).toBe('gitops/tenants/tenant-acme.yaml');
    const destinations = (project.spec as { destinations: { namespace: string }[] }).destinations;
    expect(globToRegExp(destinations[0]!.namespace).test(app.spec.destination.namespace)).toBe(true);
  });

  it('every tenant file is valid for the charts (schemas and validation rules)', async () => {
    for (const f of tenantFiles) await render(helm, chartsDir, 'logclaw-tenant', { namespace: 'logclaw-x', files: [join(TENANTS_DIR, f)] });
  });

  it('_template.yaml fails only on the values it asks to fill in', async () => {
    const message = await renderFailure(helm, chartsDir, 'logclaw-tenant', { files: [join(TENANTS_DIR, '_template.yaml')] });
    const problems = message.split('\n').filter((l) => l.startsWith('  - ')).map((l) => l.slice(4).split(':')[0]);
    expect(problems).toEqual([
      'global.tenantId is required',
      'global.cloudProvider is required',
      'global.secretStore.aws.region is required for the aws provider (e.g. eu-west-1)',
      'global.secretStore.aws.roleArn is required with auth "irsa"',
      'logclaw-ml-engine',
      'logclaw-airflow',
    ]);
    expect(message).toContain('feast.production.s3Path is required');
    expect(message).toContain('airflow.dags.gitSync.repo is required');
  });

  it('the example tenants are the umbrella\'s ci scenarios (kept identical)', () => {
    const same = (a: string, b: string) => expect(YAML.parse(readFileSync(join(TENANTS_DIR, a), 'utf8'))).toEqual(YAML.parse(readFileSync(join(REPO_ROOT, 'charts/logclaw-tenant/ci', b), 'utf8')));
    same('tenant-dev-local.yaml', 'default-values.yaml');
    same('tenant-acme.yaml', 'production-values.yaml');
  });

  it('the AppProject, ApplicationSet and each generated Application pass server-side dry-run with Argo CD\'s CRDs', async () => {
    const { kube, tools } = await useTestEnv('kube', 'tools');
    const target = { kubeconfig: kube.kubeconfig, context: kube.context };
    await installCrds(tools.kubectl, kube.kubeconfig, join(crdsDir(), 'argo-cd'), { context: kube.context });
    await kubectlRun(tools.kubectl, target, ['apply', '--server-side', '-f', '-'], { input: 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: argocd\n' });
    const dryRun = (input: string) => kubectlRun(tools.kubectl, target, ['apply', '--server-side', '--dry-run=server', '--validate=strict', '-f', '-'], { input });
    const out = await dryRun([readFileSync(join(ARGO, 'appproject.yaml'), 'utf8'), readFileSync(join(ARGO, 'applicationset.yaml'), 'utf8')].join('\n---\n'));
    expect(out).toMatch(/appproject.argoproj.io\/logclaw serverside-applied \(server dry run\)/);
    expect(out).toMatch(/applicationset.argoproj.io\/logclaw-tenants serverside-applied \(server dry run\)/);
    for (const f of tenantFiles) expect(await dryRun(generatedApplication(f))).toMatch(/application.argoproj.io\/logclaw-[a-z-]+ serverside-applied/);
  }, 300_000);
});
