// Zero-config Kafka for the installed stack: read the Strimzi Kafka and KafkaNodePool resources of
// the tenant, open one forward per broker pod, and map every advertised broker address to its
// forward (the user never sees advertised.listeners).
import { CustomObjectsApi } from '@kubernetes/client-node';
import { AppError } from '#contract/index.js';
import type { BackendContext } from '../../domain.js';
import { loadKubeConfig } from '../kube/kubeconfig.js';
import { tenantNamespace } from '../stack/services.js';
import { type DiscoverKafka, mapForwardedBrokers } from './connection.js';

const GROUP = 'kafka.strimzi.io';
const VERSION = 'v1';
const FIRST_LOCAL_PORT = 19092;

interface KafkaResource {
  spec?: { kafka?: { listeners?: Array<{ name: string; port: number; tls: boolean }> } };
}
interface NodePool {
  metadata?: { name?: string };
  spec?: { roles?: string[] };
  status?: { nodeIds?: number[] };
}

export function discoverStackKafka(ctx: BackendContext): DiscoverKafka {
  return async () => {
    const tenant = ctx.tenant();
    const namespace = tenantNamespace(tenant);
    const cluster = `logclaw-kafka-${tenant}`;
    let kc;
    try {
      kc = loadKubeConfig(ctx.kubeTarget(), ctx.env);
    } catch {
      return null; // No cluster configured: the caller explains how to connect.
    }
    const api = kc.makeApiClient(CustomObjectsApi);
    let kafka: KafkaResource;
    try {
      kafka = (await api.getNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        namespace,
        plural: 'kafkas',
        name: cluster,
      })) as KafkaResource;
    } catch (error) {
      if ((error as { code?: number }).code === 404) return null;
      throw new AppError('KUBE_UNREACHABLE', `Cannot read Kafka ${cluster} in ${namespace}: ${(error as Error).message}`, {
        hint: 'Is the cluster running and the context right?',
      });
    }
    const listener = kafka.spec?.kafka?.listeners?.find((l) => l.name === 'plain') ?? kafka.spec?.kafka?.listeners?.find((l) => !l.tls);
    if (!listener) {
      throw new AppError('KAFKA_UNREACHABLE', `Kafka ${cluster} has no plain (non-TLS) listener`, {
        hint: 'The local profile adds listener "plain" on 9092; see Doctor.',
      });
    }
    const pools = (await api.listNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace,
      plural: 'kafkanodepools',
      labelSelector: `strimzi.io/cluster=${cluster}`,
    })) as { items: NodePool[] };
    const brokers = pools.items
      .filter((pool) => pool.spec?.roles?.includes('broker'))
      .flatMap((pool) => (pool.status?.nodeIds ?? []).map((nodeId) => ({ nodeId, pod: `${cluster}-${pool.metadata?.name}-${nodeId}` })));
    if (brokers.length === 0) {
      throw new AppError('KAFKA_UNREACHABLE', `Kafka ${cluster} has no broker nodes yet`, {
        hint: 'The Strimzi operator may still be creating them: see the Stack pane.',
      });
    }
    const forwards: Record<number, string> = {};
    for (const broker of brokers) {
      const status = await ctx.forwards.ensureSystem({
        id: `kafka-broker-${broker.nodeId}`,
        title: `Kafka broker ${broker.nodeId}`,
        namespace,
        target: { kind: 'pod', name: broker.pod },
        remotePort: listener.port,
        probe: 'kafka',
        preferredPort: FIRST_LOCAL_PORT + broker.nodeId,
      });
      forwards[broker.nodeId] = `127.0.0.1:${status.spec.localPort}`;
    }
    return mapForwardedBrokers(forwards, {
      bootstrap: [`${cluster}-kafka-bootstrap:${listener.port}`, `${cluster}-kafka-bootstrap.${namespace}.svc:${listener.port}`],
    });
  };
}
