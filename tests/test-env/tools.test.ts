// Proves the test helm/kubectl are the real binaries, helm 3 and helm 4 both rendering a chart.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { parseAllDocuments } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTempDir } from '../support/temp.js';
import { type EndpointTypes, useTestEnv } from '../support/test-env.js';

const tempDir = useTempDir('logclaw-te-tools-');

describe('test-env tools (helm + kubectl from the npm registry)', () => {
  let tools: EndpointTypes['tools'];
  beforeAll(async () => {
    ({ tools } = await useTestEnv('tools'));
  });

  it('runs helm 3.17, helm 4 and kubectl 1.32', async () => {
    expect((await execa(tools.helm, ['version', '--template', '{{.Version}}'])).stdout).toMatch(/^v3\.17\.\d+$/);
    expect((await execa(tools.helm4, ['version', '--template', '{{.Version}}'])).stdout).toMatch(/^v4\.\d+\.\d+$/);
    const kubectl = JSON.parse((await execa(tools.kubectl, ['version', '--client', '-o', 'json'])).stdout) as {
      clientVersion: { gitVersion: string };
    };
    expect(kubectl.clientVersion.gitVersion).toMatch(/^v1\.32\.\d+$/);
  });

  it('renders a chart written by the test with both helm majors', async () => {
    const chart = join(tempDir(), 'tiny');
    mkdirSync(join(chart, 'templates'), { recursive: true });
    writeFileSync(join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: tiny\nversion: 0.1.0\n');
    writeFileSync(join(chart, 'values.yaml'), 'replicas: 1\n');
    writeFileSync(
      join(chart, 'templates', 'cm.yaml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-cm\ndata:\n  replicas: {{ .Values.replicas | quote }}\n',
    );
    for (const helm of [tools.helm, tools.helm4]) {
      const { stdout } = await execa(helm, ['template', 'demo', chart, '--set', 'replicas=3']);
      const [doc] = parseAllDocuments(stdout).map((d) => d.toJS() as { metadata: { name: string }; data: { replicas: string } });
      expect(doc).toMatchObject({ metadata: { name: 'demo-cm' }, data: { replicas: '3' } });
    }
  });
});
