// The stack's services as the seed documents them (README "Service URL reference"): what the
// port-forward manager offers, and which local ports preflight checks.
export type ProbeKind = 'http' | 'opensearch' | 'kafka' | 'tcp';

export interface StackService {
  id: string;
  title: string;
  /** Service name in the tenant namespace; `{tenant}` is the tenant id. */
  service: string;
  remotePort: number;
  localPort: number;
  probe: ProbeKind;
  /** HTTP path the probe and "open in browser" use. */
  path?: string;
}

export const STACK_SERVICES: readonly StackService[] = [
  {
    id: 'airflow',
    title: 'Airflow webserver',
    service: 'logclaw-airflow-{tenant}-webserver',
    remotePort: 8080,
    localPort: 8080,
    probe: 'http',
    path: '/health',
  },
  {
    id: 'opensearch',
    title: 'OpenSearch API',
    service: 'logclaw-opensearch-{tenant}',
    remotePort: 9200,
    localPort: 9200,
    probe: 'opensearch',
    path: '/_cluster/health',
  },
  {
    id: 'kafka',
    title: 'Kafka bootstrap',
    service: 'logclaw-kafka-{tenant}-kafka-bootstrap',
    remotePort: 9092,
    localPort: 9092,
    probe: 'kafka',
  },
  {
    id: 'vector',
    title: 'Vector (log ingestion)',
    service: 'logclaw-ingestion-{tenant}',
    remotePort: 8080,
    localPort: 18080,
    probe: 'tcp',
  },
  {
    id: 'vector-admin',
    title: 'Vector admin API',
    service: 'logclaw-ingestion-{tenant}',
    remotePort: 8686,
    localPort: 8686,
    probe: 'http',
    path: '/health',
  },
  {
    id: 'vector-metrics',
    title: 'Vector Prometheus metrics',
    service: 'logclaw-ingestion-{tenant}',
    remotePort: 9598,
    localPort: 9598,
    probe: 'http',
    path: '/metrics',
  },
  {
    id: 'feast',
    title: 'Feast feature server',
    service: 'logclaw-ml-engine-{tenant}-feast-server',
    remotePort: 6567,
    localPort: 6567,
    probe: 'http',
    path: '/health',
  },
  {
    id: 'ticketing',
    title: 'Ticketing agent',
    service: 'logclaw-ticketing-agent-{tenant}',
    remotePort: 8080,
    localPort: 18081,
    probe: 'http',
    // The agent's GET /tickets: what it opened, per incident and platform.
    path: '/tickets',
  },
];

export function serviceName(service: StackService, tenant: string): string {
  return service.service.replaceAll('{tenant}', tenant);
}

export function tenantNamespace(tenant: string): string {
  return `logclaw-${tenant}`;
}
