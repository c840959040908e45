// Airflow's pods of one component, shared by the two Airflow checks.
import type { V1Pod } from '@kubernetes/client-node';
import { type DoctorEnv, listPods, podName } from '../env.js';

/** Airflow's pods of one component: the upstream chart's labels (tier=airflow, component=…), or the seed's names. */
export async function airflowPods(env: DoctorEnv, component: string): Promise<V1Pod[]> {
  const pods = await listPods(env);
  const prefixes = [`logclaw-airflow-${env.tenant}-${component}`, `logclaw-${env.tenant}-${component}`];
  return pods.filter(
    (pod) =>
      (pod.metadata?.labels?.tier === 'airflow' && pod.metadata.labels.component === component) ||
      prefixes.some((prefix) => podName(pod).startsWith(`${prefix}-`)),
  );
}
