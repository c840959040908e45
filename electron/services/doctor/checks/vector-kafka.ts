// 7. Vector → Kafka: Vector's bootstrap address is the Kafka bootstrap Service, and the Kafka CR
// has a listener on that port.
import type { Evidence } from '#contract/doctor.js';
import { runs } from '../../stack/ops/shown.js';
import type { ToolCall } from '../../tools/tools-service.js';
import { type CheckDefinition, ok } from '../check.js';
import { listPods, logLines, podName, readKafkas } from '../env.js';

const PLAIN_LISTENER = { name: 'plain', port: 9092, type: 'internal', tls: false };

export const vectorKafka: CheckDefinition = {
  id: 'vector-kafka',
  title: 'Vector reaches Kafka',
  explanation:
    "Local dev sends logs from Vector to Kafka over the plain listener (9092, no TLS, no auth). Vector's bootstrap address must be the Kafka cluster's bootstrap Service, and the Kafka CR must have a listener on that port. The fix adds the plain listener to the Kafka CR when it is missing.",
  cluster: true,
  async detect(env) {
    const kafkaName = `logclaw-kafka-${env.tenant}`;
    const maps = (await env.core.listNamespacedConfigMap({ namespace: env.namespace })).items.filter((cm) =>
      (cm.metadata?.name ?? '').startsWith(`logclaw-ingestion-${env.tenant}`),
    );
    const addresses = [
      ...new Set(
        maps.flatMap((cm) =>
          Object.values(cm.data ?? {}).flatMap((text) =>
            [...text.matchAll(/bootstrap_servers:\s*"?([^"\n]+?)"?\s*$/gm)].map((m) => m[1]!.trim()),
          ),
        ),
      ),
    ];
    const kafkas = await readKafkas(env);
    const kafka = kafkas.find((k) => k.metadata?.name === kafkaName);
    if (addresses.length === 0 && !kafka) return ok('Neither Vector nor Kafka is installed in this tenant.');
    if (addresses.length === 0) return ok(`No Vector configuration (logclaw-ingestion-${env.tenant}) to check.`);
    const listeners = kafka?.spec?.kafka?.listeners ?? [];
    const evidence: Evidence[] = [
      { source: 'vector configuration', lines: addresses.map((address) => `bootstrap_servers: ${address}`) },
      {
        source: `kafka/${kafkaName} listeners`,
        lines: kafka ? listeners.map((l) => `${l.name}: port ${l.port}, ${l.type}, tls ${l.tls}`) : ['the Kafka CR does not exist'],
      },
    ];
    for (const pod of (await listPods(env)).filter((p) => podName(p).startsWith(`logclaw-ingestion-${env.tenant}`)).slice(0, 2)) {
      const lines = (await logLines(env, pod, undefined, 100))
        .filter((line) => /kafka|broker|bootstrap/i.test(line) && /error|warn|fail|refused|timed? ?out/i.test(line))
        .slice(-5);
      if (lines.length) evidence.push({ source: `pod/${podName(pod)} logs`, lines });
    }
    const bootstrap = `${kafkaName}-kafka-bootstrap`;
    const problems: string[] = [];
    let missingPlain = false;
    for (const address of addresses.flatMap((a) => a.split(',')).map((a) => a.trim())) {
      const [host = '', port = ''] = address.split(':');
      const validHosts = [
        bootstrap,
        `${bootstrap}.${env.namespace}`,
        `${bootstrap}.${env.namespace}.svc`,
        `${bootstrap}.${env.namespace}.svc.cluster.local`,
      ];
      if (!validHosts.includes(host)) problems.push(`Vector's bootstrap ${address} is not the Kafka bootstrap Service ${bootstrap}`);
      if (!kafka) continue;
      const listener = listeners.find((l) => l.port === Number(port));
      if (!listener) {
        problems.push(`kafka/${kafkaName} has no listener on port ${port}${Number(port) === 9092 ? ' (the plain listener)' : ''}`);
        if (Number(port) === 9092) missingPlain = true;
      }
    }
    if (!kafka) problems.push(`kafka/${kafkaName} does not exist`);
    if (problems.length === 0) return ok(`Vector uses ${addresses.join(', ')}; kafka/${kafkaName} has the matching listener.`, evidence);
    const summary = problems.join('; ') + '.';
    if (!missingPlain || problems.length > 1) {
      return {
        status: 'fail',
        summary,
        evidence,
        fix: {
          title: 'Align Vector with Kafka',
          changes:
            'The address comes from the release values: set global.kafka.listener (plain for local dev) for both logclaw-kafka and logclaw-ingestion and upgrade them.',
          commands: [
            env.commandLine('helm', ['get', 'values', `logclaw-ingestion-${env.tenant}`, '-n', env.namespace]),
            env.commandLine('kubectl', ['-n', env.namespace, 'get', 'kafka', kafkaName, '-o', 'jsonpath={.spec.kafka.listeners[*].name}']),
          ],
          automatic: false,
        },
      };
    }
    const patch = env.command('kubectl', [
      '-n',
      env.namespace,
      'patch',
      'kafka',
      kafkaName,
      '--type=json',
      '-p',
      JSON.stringify([{ op: 'add', path: '/spec/kafka/listeners/-', value: PLAIN_LISTENER }]),
    ]);
    return {
      status: 'fail',
      summary,
      evidence,
      data: patch,
      fix: {
        title: 'Add the plain listener',
        changes: `Adds the listener {name: plain, port: 9092, type: internal, tls: false} to kafka/${kafkaName} in ${env.namespace} (Strimzi rolls the broker). Keep global.kafka.listener=plain in your values so a later upgrade keeps it.`,
        shown: [runs(patch)],
        automatic: true,
      },
    };
  },
  async fix(env, detection, line) {
    await env.exec(detection.data as ToolCall);
    line(`added the plain listener (9092) to kafka/logclaw-kafka-${env.tenant}`);
  },
};
