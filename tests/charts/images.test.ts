// Every image the charts render, for every chart × ci profile, is in resources/images.yaml and on
// no registry known to be gone; rendered again with global.imageRegistry, every image is on the mirror.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { chartPath, fill, readPlan } from '../../electron/services/stack/plan.js';
import { installValues } from '../../electron/services/stack/stack-preflight.js';
import { INSTALLABLE, ciValuesFiles } from '../../scripts/charts/lib.js';
import { useTestEnv } from '../support/test-env.js';
import { type K8sObject, preparedCharts, render, renderFailure, repoYaml } from './support.js';

interface Inventory {
  images: { image: string; usedBy: string[]; runtime: boolean; source: { repo: string; path: string; ref: string } }[];
  examples: string[];
}

const inventory = repoYaml<Inventory>('resources/images.yaml');
const MIRROR = 'mirror.example';
/** Registries that no longer serve these images: gcr.io/kubebuilder and k8s.gcr.io were shut down, Bitnami's catalogue left
 * docker.io/bitnami (bitnamilegacy is its frozen archive). */
const GONE = [/^gcr\.io\/kubebuilder\//, /^k8s\.gcr\.io\//, /^docker\.io\/bitnami(legacy)?\//];
/** The Zammad chart does not apply global.imageRegistry to its own two images; with a mirror they are set as validation asks. */
const ZAMMAD_MIRRORED = {
  image: { repository: `${MIRROR}/zammad/zammad` },
  zammadConfig: { initContainers: { volumePermissions: { image: { repository: `${MIRROR}/library/alpine` } } } },
};

/** Docker's reading of a reference: the first part is a registry only with a dot, a colon or localhost; Docker Hub's
 * official images are library/<name>. */
function canonical(ref: string): string {
  const first = ref.split('/')[0]!;
  const hasRegistry = ref.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  const [registry, rest] = hasRegistry ? [first, ref.slice(first.length + 1)] : ['docker.io', ref];
  return `${registry}/${registry === 'docker.io' && !rest.includes('/') ? `library/${rest}` : rest}`;
}

/** The reference without its registry, as a mirror serves it (<mirror>/<path>). */
function path(ref: string): string {
  return canonical(ref).split('/').slice(1).join('/');
}

/** Every string under a key named `image`: containers, and the image fields of Strimzi, OpenSearch and Flink resources. */
function imagesOf(docs: K8sObject[]): string[] {
  const found: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === 'image' && typeof value === 'string') found.push(value);
        else walk(value);
      }
    }
  };
  walk(docs);
  return [...new Set(found)];
}

/** One rendered image: the chart × ci profile, and the mirror the render asked for ("" = none). */
interface Rendered {
  where: string;
  image: string;
  mirror: string;
}

let helm: string;
let chartsDir: string;
/** Every chart × ci profile as it renders, and again with global.imageRegistry=mirror.example. */
let plain: Rendered[];
let mirrored: Rendered[];

beforeAll(async () => {
  const { tools } = await useTestEnv('tools');
  helm = tools.helm;
  chartsDir = await preparedCharts(helm);
  plain = [];
  mirrored = [];
  for (const chart of INSTALLABLE) {
    for (const absolute of ciValuesFiles(join(chartsDir, chart))) {
      const file = absolute.slice(join(chartsDir, chart).length + 1);
      const own = (YAML.parse(readFileSync(absolute, 'utf8')) as { global?: { imageRegistry?: string } }).global?.imageRegistry ?? '';
      const where = `${chart} ${file}`;
      for (const image of imagesOf(await render(helm, chartsDir, chart, { files: [file] }))) plain.push({ where, image, mirror: own });
      const values: Record<string, unknown> = { global: { imageRegistry: MIRROR } };
      if (chart === 'logclaw-zammad') values.zammad = ZAMMAD_MIRRORED;
      if (chart === 'logclaw-tenant') values['logclaw-zammad'] = { zammad: ZAMMAD_MIRRORED };
      const withMirror = await render(helm, chartsDir, chart, { files: [file], values });
      for (const image of imagesOf(withMirror)) mirrored.push({ where, image, mirror: MIRROR });
    }
  }
}, 600_000);

const known = new Set([...inventory.images.map((i) => canonical(i.image)), ...inventory.examples.map(canonical)]);
const knownPaths = new Set([...inventory.images.map((i) => path(i.image)), ...inventory.examples.map(path)]);

/** What is wrong with one rendered image, or undefined. */
function problem({ where, image, mirror }: Rendered): string | undefined {
  if (GONE.some((gone) => gone.test(canonical(image)))) return `${where}: ${image} is on a registry that is gone`;
  if (!mirror) return known.has(canonical(image)) ? undefined : `${where}: ${image} is not in resources/images.yaml`;
  // A mirror keeps the path: the rest of the reference must be a listed image's path.
  const rest = image.startsWith(`${mirror}/`) ? image.slice(mirror.length + 1) : undefined;
  return rest !== undefined && knownPaths.has(path(rest)) ? undefined : `${where}: ${image} is not a listed image on ${mirror}`;
}

/** The path (reference without registry) of a rendered image. */
function renderedPath({ image, mirror }: Rendered): string {
  return path(mirror && image.startsWith(`${mirror}/`) ? image.slice(mirror.length + 1) : image);
}

describe('image inventory (resources/images.yaml)', () => {
  it('lists each image once, with usedBy and an upstream source, on no registry known to be gone', () => {
    const names = inventory.images.map((i) => canonical(i.image));
    expect(names.length).toBe(new Set(names).size);
    for (const i of inventory.images) {
      expect(i.usedBy.length, i.image).toBeGreaterThan(0);
      expect(typeof i.runtime, i.image).toBe('boolean');
      expect(i.source.repo, i.image).toMatch(/^[\w.-]+\/[\w.-]+$/);
      expect(i.source.path && i.source.ref, i.image).toBeTruthy();
      for (const gone of GONE) expect(canonical(i.image), i.image).not.toMatch(gone);
    }
  });

  it('every image of every chart × ci profile is listed and from a live registry', () => {
    expect(plain.length).toBeGreaterThan(30);
    expect(plain.map(problem).filter(Boolean)).toEqual([]);
  });

  it(`with global.imageRegistry=${MIRROR} every image of every chart × ci profile comes from the mirror`, () => {
    expect(mirrored.length).toBeGreaterThan(30);
    expect(mirrored.map(problem).filter(Boolean)).toEqual([]);
  });

  it(`with the settings' image mirror ${MIRROR}, every image of every release of the plan comes from the mirror`, async () => {
    const plan = readPlan(join(import.meta.dirname, '..', '..'));
    const rendered: Rendered[] = [];
    for (const release of plan.tenant.releases) {
      // The values the installer gives the release (stack-preflight's installValues, as the preflight renders it).
      const values = installValues(release, 'mirror', {}, {}, { images: MIRROR });
      const chart = release.chart.replace(/^charts\//, '');
      const files = release.values.local.map((file) => chartPath(chartsDir, file));
      const docs = await render(helm, chartsDir, chart, { release: fill(release.release, 'mirror'), files, values });
      for (const image of imagesOf(docs)) rendered.push({ where: release.name, image, mirror: MIRROR });
    }
    // Zammad's two own images need the plan's mirrorValues; platform renders no workload.
    expect(rendered.filter((r) => r.where === 'zammad').length).toBeGreaterThan(1);
    expect(rendered.length).toBeGreaterThan(10);
    expect(rendered.filter((r) => !r.image.startsWith(`${MIRROR}/`)).map((r) => `${r.where}: ${r.image}`)).toEqual([]);
    expect(rendered.map(problem).filter(Boolean)).toEqual([]);
  }, 300_000);

  it('with a mirror, Zammad refuses to render until its own two images name the mirror', async () => {
    const message = await renderFailure(helm, chartsDir, 'logclaw-zammad', {
      files: ['ci/default-values.yaml'],
      values: { global: { imageRegistry: MIRROR } },
    });
    expect(message).toContain(`set zammad.image.repository: ${MIRROR}/zammad/zammad`);
    expect(message).toContain(`set zammad.zammadConfig.initContainers.volumePermissions.image.repository: ${MIRROR}/library/alpine`);
  });

  it('every listed image of a LogClaw chart is rendered by some profile (no stale entries)', () => {
    const seen = new Set([...plain, ...mirrored].map(renderedPath));
    const stale = inventory.images
      .filter((i) => i.usedBy.some((u) => u.startsWith('logclaw-')) && !seen.has(path(i.image)))
      .map((i) => i.image);
    expect(stale).toEqual([]);
  });
});
