// What Argo CD's ApplicationSet controller makes of an ApplicationSet with a git *files* generator,
// evaluated against this repository's own files: the parts resources/gitops/argocd/applicationset.yaml
// uses, modelled on argoproj/argo-cd v2.14.21 (the release of the CRDs in ../shared/crds/argo-cd).
// Anything the model does not cover (other generators, generator `values`, `pathParamPrefix`,
// templatePatch, Go template pipelines or functions) is an error here rather than a guess.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import YAML from 'yaml';

export interface GitGenerator {
  repoURL: string;
  revision: string;
  files?: { path: string }[];
  [other: string]: unknown;
}

export interface ApplicationSet {
  metadata: { name: string; namespace: string };
  spec: {
    goTemplate?: boolean;
    goTemplateOptions?: string[];
    generators: { git?: GitGenerator; [other: string]: unknown }[];
    template: { metadata: Record<string, unknown>; spec: Record<string, unknown> };
    syncPolicy?: { preserveResourcesOnDeletion?: boolean };
    templatePatch?: string;
  };
}

export interface ApplicationSource {
  repoURL: string;
  targetRevision?: string;
  path?: string;
  chart?: string;
  ref?: string;
  helm?: { releaseName?: string; valueFiles?: string[] };
}

export interface Application {
  apiVersion: 'argoproj.io/v1alpha1';
  kind: 'Application';
  metadata: { name: string; namespace: string; labels?: Record<string, string>; finalizers?: string[] };
  spec: {
    project: string;
    source?: ApplicationSource;
    sources?: ApplicationSource[];
    destination: { server?: string; name?: string; namespace: string };
    [other: string]: unknown;
  };
}

type Params = Record<string, unknown>;

export interface Generated {
  /** The matched file, relative to the repository root. */
  file: string;
  params: Params;
  application: Application;
}

/** Every Application the ApplicationSet generates from the files of the repository at `repoRoot`. */
export function generateApplications(appSet: ApplicationSet, repoRoot: string): Generated[] {
  if (appSet.spec.templatePatch !== undefined) throw new Error('templatePatch is not modelled');
  return appSet.spec.generators.flatMap((generator) => {
    const { git, ...others } = generator;
    const files = git?.files;
    const unmodelled = [...Object.keys(others), ...Object.keys(git ?? {}).filter((k) => !['repoURL', 'revision', 'files'].includes(k))];
    if (!files || unmodelled.length)
      throw new Error(
        `only git files generators with repoURL, revision and files are modelled (got ${unmodelled.join(', ') || 'no files'})`,
      );
    return gitFilesParams(
      files.map((f) => f.path),
      repoRoot,
      appSet.spec.goTemplate ?? false,
    ).map(({ file, params }) => ({ file, params, application: renderApplication(appSet, params) }));
  });
}

/**
 * The files generator (applicationset/generators/git.go, generateParamsForGitFiles and
 * generateParamsFromGitFile). Files come from the repo server's GetGitFiles, which by default runs
 * `git ls-files --full-name -z -- <files[].path>` in the root of the checked-out revision
 * (reposerver/repository/repository.go GetGitFiles → util/git/client.go LsFiles): the pattern is a git
 * pathspec relative to the repository root, whose `*` also matches `/` (docs: Generators-Git-File-
 * Globbing.md; the doublestar "new globbing" is opt-in). Here it runs on this clone's index, so
 * only tracked files count, as in a commit. The matches of all paths are merged and sorted.
 */
export function gitFilesParams(patterns: string[], repoRoot: string, goTemplate: boolean): { file: string; params: Params }[] {
  const files = new Set<string>();
  for (const pattern of patterns) {
    const out = execFileSync('git', ['ls-files', '--full-name', '-z', '--', pattern], { cwd: repoRoot, encoding: 'utf8' });
    out.split('\0').forEach((f) => f && files.add(f));
  }
  return [...files]
    .sort()
    .flatMap((file) =>
      objectsOf(readFileSync(join(repoRoot, file), 'utf8'), file).map((found) => ({ file, params: paramsOf(file, found, goTemplate) })),
    );
}

/**
 * A file holds one parameter set, or an array of them; an empty file is one empty set. Argo CD parses
 * with sigs.k8s.io/yaml, i.e. go-yaml v2, which reads YAML 1.1 (`yes`/`no`/`on`/`off` are booleans).
 */
function objectsOf(text: string, file: string): Params[] {
  const parsed: unknown = YAML.parse(text, { version: '1.1' });
  if (parsed === null || parsed === undefined) return [{}];
  const isObject = (v: unknown): v is Params => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (Array.isArray(parsed) && parsed.every(isObject)) return parsed;
  if (isObject(parsed)) return [parsed];
  throw new Error(`unable to process file '${file}': neither an object nor an array of objects`);
}

/** utils.SanitizeName (applicationset/utils/template_functions.go). */
export function sanitizeName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^-a-z0-9.]/g, '-')
    .slice(0, 253)
    .replace(/^[-.]+|[-.]+$/g, '');
}

/**
 * goTemplate: the file's top-level keys as they are, plus `path` = {path, basename, filename,
 * basenameNormalized, filenameNormalized, segments}. Otherwise: the keys flattened with dots
 * (github.com/jeremywohl/flatten, DotStyle), every value as a string, plus path, path.basename,
 * path.filename, path.basenameNormalized, path.filenameNormalized and path[i].
 */
function paramsOf(file: string, found: Params, goTemplate: boolean): Params {
  const dir = dirname(file) === '.' ? '.' : dirname(file);
  const path = { path: dir, basename: basename(dir), filename: basename(file) };
  const normalized = { basenameNormalized: sanitizeName(path.basename), filenameNormalized: sanitizeName(path.filename) };
  if (goTemplate) return { ...found, path: { ...path, ...normalized, segments: dir.split('/') } };
  const params: Params = {};
  flatten(found, '', params);
  params.path = path.path;
  params['path.basename'] = path.basename;
  params['path.filename'] = path.filename;
  params['path.basenameNormalized'] = normalized.basenameNormalized;
  params['path.filenameNormalized'] = normalized.filenameNormalized;
  dir.split('/').forEach((segment, i) => segment && (params[`path[${i}]`] = segment));
  return params;
}

function flatten(value: unknown, prefix: string, into: Params): void {
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value as Params);
  for (const [key, v] of entries) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (typeof v === 'object' && v !== null) {
      if (Object.keys(v).length === 0) throw new Error(`${name}: flattening an empty map or list is not modelled`);
      flatten(v, name, into);
    } else into[name] = v === null ? '<nil>' : String(v);
  }
}

/**
 * RenderTemplateParams (applicationset/utils/utils.go): every string of the template, map keys
 * included, is replaced by Replace(); then (controllers/template/template.go) the Application lives
 * in the ApplicationSet's namespace and gets the resources finalizer unless the template names
 * finalizers or the sync policy preserves resources on deletion.
 */
export function renderApplication(appSet: ApplicationSet, params: Params): Application {
  const { spec } = appSet;
  const replace = (s: string) => (spec.goTemplate ? goTemplate(s, params, spec.goTemplateOptions ?? []) : fastTemplate(s, params));
  const deep = (v: unknown): unknown => {
    if (typeof v === 'string') return replace(v);
    if (Array.isArray(v)) return v.map(deep);
    if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [replace(k), deep(x)]));
    return v;
  };
  const metadata = deep(spec.template.metadata) as Application['metadata'];
  const app: Application = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { ...metadata, namespace: appSet.metadata.namespace },
    spec: deep(spec.template.spec) as Application['spec'],
  };
  if (!spec.syncPolicy?.preserveResourcesOnDeletion && !metadata.finalizers?.length)
    app.metadata.finalizers = ['resources-finalizer.argocd.argoproj.io'];
  return app;
}

/**
 * Go text/template restricted to field chains (`{{ .global.tenantId }}`), which is all the manifest
 * uses. With missingkey=error a missing key fails the render (the controller reports the error and
 * generates nothing for that file); otherwise Go prints "<no value>".
 */
function goTemplate(text: string, params: Params, options: string[]): string {
  const missingIsError = options.includes('missingkey=error');
  return text.replace(/\{\{(.*?)\}\}/g, (action, inner: string) => {
    const chain = /^\s*((?:\.[A-Za-z_][A-Za-z0-9_]*)+)\s*$/.exec(inner);
    if (!chain) throw new Error(`template action ${action} is not modelled (field chains only)`);
    let value: unknown = params;
    for (const key of chain[1]!.slice(1).split('.')) {
      if (typeof value !== 'object' || value === null || Array.isArray(value))
        throw new Error(`${action}: cannot evaluate field ${key} in a ${typeof value}`);
      if (!(key in value)) {
        if (missingIsError) throw new Error(`${action}: map has no entry for key "${key}"`);
        return '<no value>';
      }
      value = (value as Params)[key];
    }
    if (typeof value === 'object' && value !== null) throw new Error(`${action}: printing a map or list is not modelled`);
    return value === null ? '<no value>' : String(value);
  });
}

/** fasttemplate: `{{ name }}` is replaced by the string parameter `name`; unknown names stay as they are. */
function fastTemplate(text: string, params: Params): string {
  return text.replace(/\{\{(.*?)\}\}/g, (action, inner: string) => {
    const value = params[inner.trim()];
    return inner.trim() && typeof value === 'string' ? value : action;
  });
}

/**
 * AppProject.IsSourcePermitted for plain (non-glob, non-deny) sourceRepos entries: both sides go
 * through git.NormalizeGitURL (lower case, ".git" suffix dropped) and must be equal.
 */
export function sourcePermitted(sourceRepos: string[], repoURL: string): boolean {
  const normalize = (url: string) =>
    url
      .trim()
      .toLowerCase()
      .replace(/\.git$/, '');
  if (sourceRepos.some((r) => /[*?[!]/.test(r))) throw new Error('glob or deny sourceRepos are not modelled');
  return sourceRepos.some((r) => normalize(r) === normalize(repoURL));
}

/**
 * helm.IsHelmOciRepo (util/helm/client.go): Go's url.Parse finds no host, i.e. the repoURL has no
 * `scheme://`. A scheme-less URL whose first segment has a colon (`127.0.0.1:5000/charts`) fails to
 * parse, so it is not taken for OCI: such a registry needs a repository Secret with enableOCI.
 */
export function isHelmOciRepo(repoURL: string): boolean {
  if (repoURL === '') return false;
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:/.exec(repoURL);
  if (scheme) return !repoURL.slice(scheme[0].length).startsWith('//');
  return !repoURL.split('/')[0]!.includes(':');
}
