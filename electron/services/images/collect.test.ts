import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OPERATOR_MIRROR, TENANT_MIRROR } from './advice.js';
import { readInventory } from './inventory.js';
import { collectImages, renderedImages } from './reality.js';

// The inventory's format (resources/images.yaml, written by the charts' image helper).
const INVENTORY = `images:
  - image: quay.io/strimzi/operator:0.50.1
    usedBy: [strimzi]
    source: {repo: strimzi/strimzi-kafka-operator, path: helm-charts/helm3/strimzi-kafka-operator/values.yaml, ref: 0.50.1}
  - image: quay.io/strimzi/kafka:0.50.1-kafka-4.1.1
    usedBy: [strimzi, logclaw-kafka]
    runtime: true            # created by an operator at run time (not rendered by a chart)
    source: {repo: strimzi/strimzi-kafka-operator, path: helm-charts/helm3/strimzi-kafka-operator/values.yaml, ref: 0.50.1}
  - image: docker.io/timberio/vector:0.38.0-debian
    usedBy: [logclaw-ingestion]
    source: {repo: logclaw/charts, path: charts/logclaw-ingestion/values.yaml, ref: main}
  - image: docker.io/zammad/zammad:6.3
    usedBy: [logclaw-zammad]
    runtime: true
`;

const KAFKA = `apiVersion: kafka.strimzi.io/v1
kind: Kafka
metadata: {name: k}
spec: {kafka: {listeners: []}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: exporter}
spec:
  template:
    spec:
      initContainers: [{name: init, image: "docker.io/library/busybox:1.36"}]
      containers: [{name: main, image: docker.io/library/busybox:1.36}, {name: sidecar, image: " quay.io/prometheus/exporter:v1 "}]
`;
const INGESTION = `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: vector}
spec: {template: {spec: {containers: [{name: vector, image: docker.io/timberio/vector:0.38.0-debian}]}}}
`;

describe('the images of an install', () => {
  const dir = mkdtempSync(join(tmpdir(), 'logclaw-inventory-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('finds every image key of the rendered objects, once', () => {
    expect(renderedImages(KAFKA).sort()).toEqual(['docker.io/library/busybox:1.36', 'quay.io/prometheus/exporter:v1']);
  });

  it("adds the inventory's operator and run-time images for what is installed, with their users", () => {
    writeFileSync(join(dir, 'images.yaml'), INVENTORY);
    const inventory = readInventory(join(dir, 'images.yaml'));
    expect(inventory[1]).toMatchObject({ runtime: true, usedBy: ['strimzi', 'logclaw-kafka'] });
    const images = collectImages(
      [
        { name: 'kafka', chart: 'logclaw-kafka', manifest: KAFKA },
        { name: 'ingestion', chart: 'logclaw-ingestion', manifest: INGESTION },
      ],
      inventory,
      ['strimzi', 'cert-manager'],
    );
    expect(images).toEqual([
      { ref: 'docker.io/library/busybox:1.36', usedBy: ['kafka'], mirror: TENANT_MIRROR },
      // Rendered already: the inventory adds nothing for it.
      { ref: 'docker.io/timberio/vector:0.38.0-debian', usedBy: ['ingestion'], mirror: TENANT_MIRROR },
      { ref: 'quay.io/prometheus/exporter:v1', usedBy: ['kafka'], mirror: TENANT_MIRROR },
      // Run-time image of an installed operator, for a release that is installed: both use it.
      { ref: 'quay.io/strimzi/kafka:0.50.1-kafka-4.1.1', usedBy: ['kafka', 'strimzi'], mirror: TENANT_MIRROR },
      { ref: 'quay.io/strimzi/operator:0.50.1', usedBy: ['strimzi'], mirror: OPERATOR_MIRROR },
    ]);
    // zammad is not installed: its run-time image is not pulled.
    expect(images.map((image) => image.ref)).not.toContain('docker.io/zammad/zammad:6.3');
  });

  it('leaves out a run-time image the chart names itself, through a mirror', () => {
    writeFileSync(join(dir, 'images.yaml'), INVENTORY);
    const mirrored = `apiVersion: kafka.strimzi.io/v1
kind: Kafka
metadata: {name: k}
spec: {kafka: {image: "mirror.local:5000/strimzi/kafka:0.50.1-kafka-4.1.1"}}
`;
    const images = collectImages([{ name: 'kafka', chart: 'logclaw-kafka', manifest: mirrored }], readInventory(join(dir, 'images.yaml')), [
      'strimzi',
    ]);
    expect(images.map((image) => [image.ref, image.usedBy])).toEqual([
      ['mirror.local:5000/strimzi/kafka:0.50.1-kafka-4.1.1', ['kafka']],
      // The operator's own image is pulled by its Deployment, which the tenant's mirror does not reach.
      ['quay.io/strimzi/operator:0.50.1', ['strimzi']],
    ]);
  });

  it('reads a missing inventory as empty', () => {
    expect(readInventory(join(dir, 'none.yaml'))).toEqual([]);
  });
});
