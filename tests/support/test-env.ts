import type { ComponentName } from '../../scripts/test-env/component.js';
import { up } from '../../scripts/test-env/env.js';
import type { FeastEndpoint } from '../../scripts/test-env/feast/component.js';
import type { KafkaEndpoint } from '../../scripts/test-env/kafka/component.js';
import type { KubeEndpoint } from '../../scripts/test-env/kube/component.js';
import type { OpenSearchEndpoint } from '../../scripts/test-env/opensearch/component.js';
import type { RegistryEndpoint } from '../../scripts/test-env/registry/component.js';
import type { ToolsEndpoint } from '../../scripts/test-env/tools/component.js';
import type { VrlEndpoint } from '../../scripts/test-env/vrl/component.js';

export interface EndpointTypes {
  tools: ToolsEndpoint;
  kafka: KafkaEndpoint;
  opensearch: OpenSearchEndpoint;
  kube: KubeEndpoint;
  vrl: VrlEndpoint;
  registry: RegistryEndpoint;
  feast: FeastEndpoint;
}

/** Starts (or reuses, within this `npm test` run) the real servers a test file needs. */
export async function useTestEnv<K extends ComponentName>(...names: K[]): Promise<Pick<EndpointTypes, K>> {
  const log = (line: string) => process.stderr.write(`[test-env] ${line}\n`);
  return (await up(names, { log })) as Pick<EndpointTypes, K>;
}
