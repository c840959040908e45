// Bad values fail with a readable message: JSON schema for shapes and enums, the library's
// validation aggregator (one failure listing every problem) for the rest.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { INSTALLABLE } from '../../scripts/charts/lib.js';
import { GLOBAL_SCHEMA } from '../../scripts/charts/schema.js';
import { useTestEnv } from '../support/test-env.js';
import { preparedCharts, render, renderFailure } from './support.js';

let tools: { helm: string; helm4: string };
let chartsDir: string;

beforeAll(async () => {
  ({ tools } = await useTestEnv('tools'));
  chartsDir = await preparedCharts(tools.helm);
});

const LOCAL_GLOBAL = {
  tenantId: 'acme',
  cloudProvider: 'kind',
  secretStore: { enabled: false },
  kafka: { listener: 'plain' },
  opensearch: { mode: 'standalone' },
};
const LOCAL_TENANT = 'ci/default-values.yaml';

/** The "- ..." problem lines of an aggregator failure. */
function problems(message: string): string[] {
  return message
    .split('\n')
    .filter((l) => l.startsWith('  - '))
    .map((l) => l.slice(4));
}

describe('schema and validation messages', () => {
  for (const [major, key] of [
    ['3', 'helm'],
    ['4', 'helm4'],
  ] as const) {
    it(`helm ${major}: a wrong tier fails the schema and names the allowed tiers`, async () => {
      const message = await renderFailure(tools[key], chartsDir, 'logclaw-tenant', {
        files: [LOCAL_TENANT],
        values: { global: { tier: 'gold' } },
      });
      expect(message).toContain("values don't meet the specifications of the schema");
      expect(message).toMatch(/global[./]tier/);
      expect(message).toMatch(/standard.*ha.*ultra-ha/);
    });

    it(`helm ${major}: an unknown secret-store or LLM provider fails the schema`, async () => {
      const message = await renderFailure(tools[key], chartsDir, 'logclaw-tenant', {
        files: [LOCAL_TENANT],
        values: { global: { secretStore: { provider: 'onepassword' }, llm: { provider: 'gemini' } } },
      });
      expect(message).toMatch(/global[./]secretStore[./]provider/);
      expect(message).toMatch(/aws.*gcp.*vault.*azure/);
      expect(message).toMatch(/global[./]llm[./]provider/);
      expect(message).toMatch(/claude.*openai.*ollama.*vllm.*disabled/);
    });
  }

  it('a missing tenantId fails with what to set and an example', async () => {
    const message = await renderFailure(tools.helm, chartsDir, 'logclaw-kafka', {
      values: { global: { cloudProvider: 'kind', secretStore: { enabled: false } } },
    });
    expect(problems(message)).toEqual([expect.stringMatching(/^global\.tenantId is required: .*DNS label such as "acme"/)]);
  });

  it('a tenantId that is not a DNS label, or too long, is refused', async () => {
    const bad = await renderFailure(tools.helm, chartsDir, 'logclaw-platform', {
      files: [LOCAL_TENANT],
      values: { global: { tenantId: 'Acme_Corp' } },
    });
    expect(problems(bad)[0]).toMatch(/global\.tenantId "Acme_Corp" is not a DNS label/);
    const long = await renderFailure(tools.helm, chartsDir, 'logclaw-platform', {
      files: [LOCAL_TENANT],
      values: { global: { tenantId: 'a'.repeat(25) } },
    });
    expect(long).toMatch(/tenantId.*(24|String length must be less than or equal to 24)/);
  });

  it('a routing entry naming a disabled platform fails, naming the route and the fix', async () => {
    const message = await renderFailure(tools.helm, chartsDir, 'logclaw-ticketing-agent', {
      values: {
        global: { ...LOCAL_GLOBAL, ticketing: { jira: { enabled: true } } },
        config: { jira: { baseUrl: 'https://a.atlassian.net', projectKey: 'OPS' }, routing: { critical: ['pagerduty'], medium: ['jira'] } },
      },
    });
    expect(problems(message)).toEqual([
      'config.routing.critical names pagerduty, which is not enabled: set global.ticketing.pagerduty.enabled=true or remove it from the route',
    ]);
  });

  it('a routing entry naming no platform at all fails the schema', async () => {
    const message = await renderFailure(tools.helm, chartsDir, 'logclaw-ticketing-agent', {
      values: { global: LOCAL_GLOBAL, config: { routing: { critical: ['email'] } } },
    });
    expect(message).toMatch(/config\.routing\.critical\.0.*pagerduty/);
  });

  it('the aggregator fails once, listing every problem of the chart and the globals', async () => {
    const message = await renderFailure(tools.helm, chartsDir, 'logclaw-ticketing-agent', {
      values: {
        global: {
          tenantId: '',
          cloudProvider: 'aws',
          secretStore: { provider: 'vault' },
          llm: { provider: 'vllm', model: '' },
          ticketing: { jira: { enabled: true }, slack: { enabled: true } },
        },
        config: { routing: { critical: ['opsgenie'] } },
      },
    });
    expect(message.match(/invalid value\(s\)/g)).toHaveLength(1);
    expect(message).toContain('logclaw-ticketing-agent: 8 invalid value(s)');
    expect(problems(message)).toEqual([
      expect.stringMatching(/^global\.tenantId is required/),
      expect.stringMatching(/^global\.secretStore\.vault\.server is required/),
      expect.stringMatching(/^global\.secretStore\.vault\.role is required/),
      expect.stringMatching(/^global\.llm\.model is required with provider "vllm"/),
      expect.stringMatching(/^global\.llm\.endpoint is required with provider "vllm"/),
      expect.stringMatching(/^config\.routing\.critical names opsgenie/),
      expect.stringMatching(/^config\.jira\.baseUrl is required/),
      expect.stringMatching(/^config\.jira\.projectKey is required/),
    ]);
  });

  it('the umbrella lists the problems of every enabled chart and the cross-chart rules in one failure', async () => {
    const message = await renderFailure(tools.helm, chartsDir, 'logclaw-tenant', {
      files: [LOCAL_TENANT],
      values: {
        global: { ticketing: { zammad: { enabled: true } }, llm: { provider: 'ollama', model: 'llama3.2:3b' } },
        'logclaw-kafka': { enabled: false, users: { 'logclaw-ingestion': { write: ['nope'] } } },
        'logclaw-ml-engine': { ollama: { enabled: false } },
        'logclaw-ticketing-agent': { config: { routing: { high: ['jira'] } } },
        'logclaw-opensearch': { standalone: { heap: '512m' } },
        'logclaw-airflow': { airflow: { dags: { gitSync: { enabled: true } } } },
      },
    });
    expect(message.match(/invalid value\(s\)/g)).toHaveLength(1);
    expect(problems(message)).toEqual([
      // Zammad + ollama made the tenant air-gapped, which needs the API server's addresses.
      expect.stringMatching(/^logclaw-platform: global\.network\.kubeApiServerCIDRs is required in air-gapped mode/),
      'logclaw-airflow: airflow.dags.gitSync.repo is required when git-sync is enabled: the DAG repository, e.g. https://github.com/acme/logclaw-dags.git',
      'logclaw-ticketing-agent: config.routing.high names jira, which is not enabled: set global.ticketing.jira.enabled=true or remove it from the route',
      // logclaw-kafka is disabled, so its own bad value (users naming topic "nope") is not checked.
      'logclaw-anomaly-scorer is enabled but needs logclaw-kafka, which is disabled',
      'logclaw-flink is enabled but needs logclaw-kafka, which is disabled',
      'logclaw-ingestion is enabled but needs logclaw-kafka, which is disabled',
      'logclaw-ml-engine is enabled but needs logclaw-kafka, which is disabled',
      'logclaw-ticketing-agent is enabled but needs logclaw-kafka, which is disabled',
      'global.ticketing.zammad is enabled but logclaw-zammad is not: enable it, or point logclaw-ticketing-agent.config.zammad.url at your Zammad',
      'global.llm.provider is ollama but logclaw-ml-engine.ollama is off: enable it or set global.llm.endpoint to your Ollama',
    ]);
  });

  it('an unknown key is refused with its name (typos do not pass silently)', async () => {
    const message = await renderFailure(tools.helm, chartsDir, 'logclaw-ingestion', {
      files: [LOCAL_TENANT],
      values: { reciever: { enabled: true } },
    });
    expect(message).toMatch(/Additional property reciever is not allowed/);
  });

  it('every chart embeds the library global schema, and the umbrella documents the library defaults', () => {
    const global = JSON.parse(readFileSync(GLOBAL_SCHEMA, 'utf8')) as unknown;
    for (const chart of INSTALLABLE) {
      const schema = JSON.parse(readFileSync(join(chartsDir, chart, 'values.schema.json'), 'utf8')) as { properties: { global: unknown } };
      expect(schema.properties.global, `${chart}: run npm run charts:schema -- --sync-global`).toEqual(global);
    }
  });

  it('the umbrella values.yaml documents exactly the library global defaults', async () => {
    const umbrella = (YAML.parse(readFileSync(join(chartsDir, 'logclaw-tenant', 'values.yaml'), 'utf8')) as { global: unknown }).global;
    const tpl = readFileSync(join(chartsDir, 'logclaw-lib', 'templates', '_global.tpl'), 'utf8');
    const body = tpl.slice(
      tpl.indexOf('{{- define "logclaw.globalDefaults" -}}') + '{{- define "logclaw.globalDefaults" -}}'.length,
      tpl.indexOf('{{- end -}}'),
    );
    expect(umbrella).toEqual(YAML.parse(body));
  });

  it('valid values render (the schema is not over-strict): every subchart with only the globals set', async () => {
    for (const chart of ['logclaw-platform', 'logclaw-kafka', 'logclaw-opensearch']) {
      expect((await render(tools.helm, chartsDir, chart, { values: { global: { ...LOCAL_GLOBAL } } })).length, chart).toBeGreaterThan(0);
    }
    // The agent is off without an image of its own (none is published), so it renders nothing, but it renders.
    expect(await render(tools.helm, chartsDir, 'logclaw-ticketing-agent', { values: { global: { ...LOCAL_GLOBAL } } })).toEqual([]);
  });
});
