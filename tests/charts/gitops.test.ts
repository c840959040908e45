// The bundled GitOps files: the Argo CD AppProject and ApplicationSet (their generator evaluated
// against this repository's files as Argo CD does it, see argocd.ts; validated by a real
// kube-apiserver with Argo CD's CRDs), the tenant files they deploy, and the umbrella chart they
// deploy, packaged and pushed to a real OCI registry and pulled back the way the Applications name it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { CHARTS_DIR, REPO_ROOT, UMBRELLA, readChart, run, runOrThrow } from '../../scripts/charts/lib.js';
import { TENANTS_DIR } from '../../scripts/charts/schema.js';
import { crdsDir, installCrds, kubectlRun } from '../../scripts/test-env/kube/helpers.js';
import { useTempDir } from '../support/temp.js';
import { useTestEnv } from '../support/test-env.js';
import {
  type ApplicationSet,
  type ApplicationSource,
  type Generated,
  generateApplications,
  isHelmOciRepo,
  sourcePermitted,
} from './argocd.js';
import { type K8sObject, get, parseDocs, preparedCharts, renderFailure, render, repoYaml } from './support.js';

const ARGO = join(REPO_ROOT, 'resources', 'gitops', 'argocd');
const appSet = repoYaml<ApplicationSet>('resources/gitops/argocd/applicationset.yaml');
type AppProject = { metadata: { name: string }; spec: { sourceRepos: string[]; destinations: { server: string; namespace: string }[] } };
const project = repoYaml<AppProject>('resources/gitops/argocd/appproject.yaml');
const generated = generateApplications(appSet, REPO_ROOT);
const umbrellaVersion = readChart(join(CHARTS_DIR, UMBRELLA)).version;

const chartSource = (g: Generated): ApplicationSource => g.application.spec.sources!.find((s) => s.chart)!;
/** `$values/<path>`: the source with `ref: values` has no path, so $values is its repository root (this repository). */
const valuesFile = (g: Generated): string => {
  const refs = new Map(g.application.spec.sources!.filter((s) => s.ref).map((s) => [`$${s.ref}/`, s]));
  const [file] = chartSource(g).helm!.valueFiles!;
  const ref = [...refs.keys()].find((r) => file!.startsWith(r));
  if (!ref || refs.get(ref)!.repoURL !== appSet.spec.generators[0]!.git!.repoURL)
    throw new Error(`${file} is not a file of the generator's repository`);
  return file!.slice(ref.length);
};

describe('GitOps files', () => {
  let helm: string;
  let chartsDir: string;
  beforeAll(async () => {
    const { tools } = await useTestEnv('tools');
    helm = tools.helm;
    chartsDir = await preparedCharts(helm);
  });

  it('the ApplicationSet generates one Application per tracked resources/gitops/tenants/tenant-*.yaml, not for _template.yaml', () => {
    expect(generated.map((g) => g.file)).toEqual([
      'resources/gitops/tenants/tenant-acme.yaml',
      'resources/gitops/tenants/tenant-dev-local.yaml',
    ]);
    expect(generated.map((g) => g.application.metadata.name)).toEqual(['logclaw-acme', 'logclaw-dev-local']);
    // The old pattern named a folder this repository does not have, so it generated nothing.
    const old = {
      ...appSet,
      spec: {
        ...appSet.spec,
        generators: [{ git: { ...appSet.spec.generators[0]!.git!, files: [{ path: 'gitops/tenants/tenant-*.yaml' }] } }],
      },
    };
    expect(generateApplications(old, REPO_ROOT)).toEqual([]);
  });

  it('each generated Application installs the umbrella from the OCI registry as logclaw-<tenantId> into logclaw-<tenantId>, with the tenant file from git', () => {
    const git = appSet.spec.generators[0]!.git!;
    expect(generated).toHaveLength(2);
    for (const g of generated) {
      const tenant = (g.params as { global: { tenantId: string } }).global.tenantId;
      const { metadata, spec } = g.application;
      expect(metadata).toEqual({
        name: `logclaw-${tenant}`,
        namespace: 'argocd',
        labels: { 'app.kubernetes.io/part-of': 'logclaw', 'logclaw.io/tenant': tenant },
        finalizers: ['resources-finalizer.argocd.argoproj.io'],
      });
      expect(spec.project).toBe(project.metadata.name);
      expect(spec.destination).toEqual({ server: 'https://kubernetes.default.svc', namespace: `logclaw-${tenant}` });
      expect(spec.source).toBeUndefined();
      expect(spec.sources).toEqual([
        {
          repoURL: 'ghcr.io/logclaw/charts',
          chart: UMBRELLA,
          targetRevision: umbrellaVersion,
          helm: { releaseName: `logclaw-${tenant}`, valueFiles: [`$values/${g.file}`] },
        },
        { repoURL: git.repoURL, targetRevision: git.revision, ref: 'values' },
      ]);
      expect(valuesFile(g)).toBe(g.file);
      expect(isHelmOciRepo(chartSource(g).repoURL)).toBe(true);
      for (const s of spec.sources!) expect(sourcePermitted(project.spec.sourceRepos, s.repoURL), s.repoURL).toBe(true);
      const [destination] = project.spec.destinations;
      expect(new RegExp(`^${destination!.namespace.replace('*', '.*')}$`).test(spec.destination.namespace)).toBe(true);
    }
  });

  it('the same Applications come out with goTemplate off (fasttemplate, flattened parameters)', () => {
    // Flat parameter names: `.global.tenantId` is `global.tenantId`, but the folder `.path.path` is `path`.
    const toFast = (v: unknown): unknown =>
      typeof v === 'string'
        ? v.replace(/\{\{ \.([\w.]+) \}\}/g, (_, name: string) => `{{${name === 'path.path' ? 'path' : name}}}`)
        : Array.isArray(v)
          ? v.map(toFast)
          : typeof v === 'object' && v !== null
            ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toFast(x)]))
            : v;
    const template = toFast(appSet.spec.template) as ApplicationSet['spec']['template'];
    const fast: ApplicationSet = { ...appSet, spec: { ...appSet.spec, goTemplate: false, goTemplateOptions: [], template } };
    expect(JSON.stringify(fast.spec.template)).toContain('$values/{{path}}/{{path.filename}}');
    expect(generateApplications(fast, REPO_ROOT).map((g) => g.application)).toEqual(generated.map((g) => g.application));
  });

  it('every tenant file is valid for the charts (schemas and validation rules)', async () => {
    for (const g of generated)
      await render(helm, chartsDir, 'logclaw-tenant', { namespace: 'logclaw-x', files: [join(REPO_ROOT, g.file)] });
  });

  it('_template.yaml fails only on the values it asks to fill in', async () => {
    const message = await renderFailure(helm, chartsDir, 'logclaw-tenant', { files: [join(TENANTS_DIR, '_template.yaml')] });
    const problems = message
      .split('\n')
      .filter((l) => l.startsWith('  - '))
      .map((l) => l.slice(4).split(':')[0]);
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

  it("the example tenants are the umbrella's ci scenarios (kept identical)", () => {
    const same = (a: string, b: string) =>
      expect(YAML.parse(readFileSync(join(TENANTS_DIR, a), 'utf8'))).toEqual(
        YAML.parse(readFileSync(join(REPO_ROOT, 'charts/logclaw-tenant/ci', b), 'utf8')),
      );
    same('tenant-dev-local.yaml', 'default-values.yaml');
    same('tenant-acme.yaml', 'production-values.yaml');
  });

  it("the AppProject, ApplicationSet and each generated Application pass server-side dry-run with Argo CD's CRDs", async () => {
    const { kube, tools } = await useTestEnv('kube', 'tools');
    const target = { kubeconfig: kube.kubeconfig, context: kube.context };
    await installCrds(tools.kubectl, kube.kubeconfig, join(crdsDir(), 'argo-cd'), { context: kube.context });
    await kubectlRun(tools.kubectl, target, ['apply', '--server-side', '-f', '-'], {
      input: 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: argocd\n',
    });
    const dryRun = (input: string) =>
      kubectlRun(tools.kubectl, target, ['apply', '--server-side', '--dry-run=server', '--validate=strict', '-f', '-'], { input });
    const out = await dryRun(
      [readFileSync(join(ARGO, 'appproject.yaml'), 'utf8'), readFileSync(join(ARGO, 'applicationset.yaml'), 'utf8')].join('\n---\n'),
    );
    expect(out).toMatch(/appproject.argoproj.io\/logclaw serverside-applied \(server dry run\)/);
    expect(out).toMatch(/applicationset.argoproj.io\/logclaw-tenants serverside-applied \(server dry run\)/);
    for (const g of generated)
      expect(await dryRun(YAML.stringify(g.application))).toMatch(/application.argoproj.io\/logclaw-[a-z-]+ serverside-applied/);
  }, 300_000);
});

describe('the umbrella from an OCI registry, as the generated Applications name it', () => {
  const tempDir = useTempDir('logclaw-oci-');

  it("a git checkout has no chart dependencies: the wrappers' charts/ folders are git-ignored", async () => {
    const tracked = await runOrThrow('git', ['ls-files', '--', 'charts/*/charts/*'], { cwd: REPO_ROOT });
    expect(tracked).toBe('');
    expect(await runOrThrow('git', ['check-ignore', 'charts/logclaw-airflow/charts/airflow-1.14.0.tgz'], { cwd: REPO_ROOT })).not.toBe('');
  });

  it("charts:package + charts:push to a real registry; Argo CD's helm pull + template of each Application renders the upstream charts too", async () => {
    const { tools, registry } = await useTestEnv('tools', 'registry');
    const helm = tools.helm;
    const chartsDir = await preparedCharts(helm);
    const tsx = join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
    // The npm scripts charts:package and charts:push, with the test's helm.
    const script = async (name: string, args: string[]) => {
      const r = await run(tsx, [join(REPO_ROOT, 'scripts', 'charts', name), ...args], {
        cwd: REPO_ROOT,
        env: { ...process.env, HELM: helm },
      });
      if (r.exitCode !== 0) throw new Error(`${name} ${args.join(' ')} failed: ${r.stderr.trim()}`);
      return r.stdout;
    };
    const work = tempDir();
    const packages = join(work, 'packages');
    await script('package.ts', [chartsDir, '--out', packages, '--allow-stand-ins']);
    // Same path as production (ghcr.io/logclaw/charts); only the registry host differs.
    const pushTo = `oci://${registry.host}/logclaw/charts`;
    await expect(script('push.ts', [pushTo, '--from', packages, '--plain-http'])).rejects.toThrow(/refusing to push FAKE stand-in charts/);
    await script('push.ts', [pushTo, '--from', packages, '--plain-http', '--allow-stand-ins']);

    expect(generated).toHaveLength(2);
    for (const g of generated) {
      const source = chartSource(g);
      const repo = source.repoURL.replace(/^[^/]+/, registry.host);
      const dest = join(work, g.application.metadata.name);
      // util/helm/cmd.go PullOCI: `helm pull oci://<repoURL>/<chart> --version <targetRevision> --destination <dir>`
      // (--plain-http only because the test registry has no TLS).
      await runOrThrow(helm, [
        'pull',
        `oci://${repo}/${source.chart}`,
        '--version',
        source.targetRevision!,
        '--destination',
        dest,
        '--untar',
        '--plain-http',
      ]);
      // util/helm/cmd.go template: `helm template <chart> --name-template <releaseName> --namespace <destination>
      // --values <file>... --include-crds` (Argo CD adds --kube-version/--api-versions from the cluster).
      const namespace = g.application.spec.destination.namespace;
      const args = [
        '--name-template',
        source.helm!.releaseName!,
        '--namespace',
        namespace,
        '--values',
        join(REPO_ROOT, valuesFile(g)),
        '--include-crds',
      ];
      const docs = parseDocs(await runOrThrow(helm, ['template', join(dest, source.chart!), ...args]));
      const release = source.helm!.releaseName!;
      const tenant = namespace.replace(/^logclaw-/, '');
      // The Airflow dependency's own objects (named from the release, labelled by that chart)...
      for (const [kind, component] of [
        ['Deployment', 'webserver'],
        ['StatefulSet', 'triggerer'],
        ['Service', 'webserver'],
      ] as const)
        expect(get(docs, kind, `${release}-${component}`).metadata.labels).toMatchObject({ tier: 'airflow', component, release });
      // ...beside LogClaw's own, from the wrappers and the other subcharts.
      expect(docs.some((d) => d.kind === 'Job' && d.metadata.name.startsWith(`logclaw-airflow-${tenant}-migrate-`))).toBe(true);
      get(docs, 'Kafka', `logclaw-kafka-${tenant}`);
      // The packaged chart renders exactly what the prepared chart folder renders.
      const fromFolder = parseDocs(await runOrThrow(helm, ['template', join(chartsDir, UMBRELLA), ...args]));
      const ids = (list: K8sObject[]) => list.map((d) => `${d.kind}/${d.metadata.name}`).sort();
      expect(ids(docs)).toEqual(ids(fromFolder));
    }
  }, 300_000);
});
