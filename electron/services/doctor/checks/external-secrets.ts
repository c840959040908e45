// 11. ExternalSecrets not Ready: explained with their store and remote key (the cause is in the
// secret store, so the fix is by hand).
import type { Evidence } from '#contract/doctor.js';
import type { Condition } from '../../stack/readiness.js';
import { type CheckDefinition, ok } from '../check.js';
import { orNull } from '../env.js';

const ESO = { group: 'external-secrets.io', version: 'v1beta1' };

interface ExternalSecretObject {
  metadata?: { name?: string; creationTimestamp?: string };
  spec?: {
    secretStoreRef?: { name?: string; kind?: string };
    data?: Array<{ secretKey?: string; remoteRef?: { key?: string; property?: string } }>;
    dataFrom?: Array<{ extract?: { key?: string }; find?: unknown }>;
    target?: { name?: string };
  };
  status?: { conditions?: Condition[] };
}

export const externalSecrets: CheckDefinition = {
  id: 'external-secrets',
  title: 'ExternalSecrets are Ready',
  explanation:
    "With a secret store enabled, the platform chart's ExternalSecrets copy credentials from the cloud store into Kubernetes Secrets. One that is not Ready leaves its Secret missing or stale, and the pods that need it wait in CreateContainerConfigError. The check names the store and the remote key each one reads; fix the store (credentials, region, key name), then force a refresh.",
  cluster: true,
  async detect(env) {
    const list = await orNull(
      () =>
        env.custom.listNamespacedCustomObject({ ...ESO, plural: 'externalsecrets', namespace: env.namespace }) as Promise<{
          items: ExternalSecretObject[];
        }>,
    );
    if (!list) return ok('External Secrets is not installed on this cluster.');
    if (list.items.length === 0) return ok(`No ExternalSecrets in ${env.namespace} (dev secrets are plain Secrets).`);
    const evidence: Evidence[] = [];
    const broken: string[] = [];
    for (const item of list.items) {
      const name = item.metadata?.name ?? '?';
      const ready = item.status?.conditions?.find((c) => c.type === 'Ready');
      if (ready?.status === 'True') continue;
      if (!ready && Date.now() - new Date(item.metadata?.creationTimestamp ?? 0).getTime() < 60_000) continue;
      const store = item.spec?.secretStoreRef ?? {};
      const kind = store.kind ?? 'SecretStore';
      const keys = [
        ...(item.spec?.data ?? []).map(
          (d) => `${d.remoteRef?.key ?? '?'}${d.remoteRef?.property ? `#${d.remoteRef.property}` : ''} → ${d.secretKey ?? '?'}`,
        ),
        ...(item.spec?.dataFrom ?? []).map((d) => `${d.extract?.key ?? 'find …'} (all keys)`),
      ];
      const storeObject = await orNull(
        () =>
          (kind === 'ClusterSecretStore'
            ? env.custom.getClusterCustomObject({ ...ESO, plural: 'clustersecretstores', name: store.name ?? '' })
            : env.custom.getNamespacedCustomObject({
                ...ESO,
                plural: 'secretstores',
                namespace: env.namespace,
                name: store.name ?? '',
              })) as Promise<{ status?: { conditions?: Condition[] } }>,
      ).catch(() => null);
      const storeReady = storeObject?.status?.conditions?.find((c) => c.type === 'Ready');
      const storeLine = !storeObject
        ? `${kind} ${store.name} does not exist`
        : `${kind} ${store.name}: ${storeReady ? `Ready=${storeReady.status}${storeReady.message ? ` – ${storeReady.message}` : ''}` : 'no status yet'}`;
      broken.push(`${name} (store ${kind}/${store.name ?? '?'}, key ${keys[0] ?? '?'})`);
      evidence.push({
        source: `externalsecret/${name}`,
        lines: [
          `Ready=${ready?.status ?? 'unknown'}${ready?.reason ? ` (${ready.reason})` : ''}${ready?.message ? `: ${ready.message}` : ''}`,
          `store: ${storeLine}`,
          ...keys.map((key) => `remote key: ${key}`),
          `target Secret: ${item.spec?.target?.name ?? name}`,
        ],
      });
    }
    if (broken.length === 0) return ok(`${list.items.length} ExternalSecret(s) Ready.`);
    const first = list.items.find((item) => broken[0]!.startsWith(item.metadata?.name ?? ''))?.metadata?.name ?? '';
    return {
      status: 'fail',
      summary: `Not Ready: ${broken.join('; ')}.`,
      evidence,
      fix: {
        title: 'Fix the store, then refresh',
        changes:
          'Nothing is changed automatically: the cause is in the secret store (credentials, permissions, a key that does not exist). After fixing it, force a refresh.',
        commands: [
          env.commandLine('kubectl', ['-n', env.namespace, 'describe', 'externalsecret', first]),
          `${env.commandLine('kubectl', ['-n', env.namespace, 'annotate', 'externalsecret', first, '--overwrite'])} force-sync=$(date +%s)`,
        ],
        automatic: false,
      },
    };
  },
};
