// Test support for the registry client: pushing a small image to the real distribution registry of
// the test env through its own API (OCI Distribution Spec: monolithic blob upload, POST then PUT
// ?digest=, then PUT of the manifest), and a Docker config file holding credentials.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const sha256 = (data: Buffer | string) => `sha256:${createHash('sha256').update(data).digest('hex')}`;

async function pushBlob(base: string, repository: string, data: Buffer, headers: Record<string, string>): Promise<string> {
  const digest = sha256(data);
  const started = await fetch(`${base}/v2/${repository}/blobs/uploads/`, { method: 'POST', headers });
  if (started.status !== 202) throw new Error(`upload of a blob to ${repository}: ${started.status} ${await started.text()}`);
  const location = new URL(started.headers.get('location')!, base);
  location.searchParams.set('digest', digest);
  const put = await fetch(location, {
    method: 'PUT',
    headers: { ...headers, 'content-type': 'application/octet-stream' },
    body: data,
  });
  if (put.status !== 201) throw new Error(`blob ${digest}: ${put.status} ${await put.text()}`);
  return digest;
}

/** Pushes a one-layer OCI image as repository:tag; resolves to the manifest's digest. */
export async function pushImage(
  registry: { url: string; auth?: { username: string; password: string } },
  repository: string,
  tag: string,
): Promise<string> {
  const headers: Record<string, string> = registry.auth
    ? { authorization: `Basic ${Buffer.from(`${registry.auth.username}:${registry.auth.password}`).toString('base64')}` }
    : {};
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }));
  const layer = Buffer.from(`layer of ${repository}:${tag}`);
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: {
      mediaType: 'application/vnd.oci.image.config.v1+json',
      digest: await pushBlob(registry.url, repository, config, headers),
      size: config.length,
    },
    layers: [
      {
        mediaType: 'application/vnd.oci.image.layer.v1.tar',
        digest: await pushBlob(registry.url, repository, layer, headers),
        size: layer.length,
      },
    ],
  });
  const put = await fetch(`${registry.url}/v2/${repository}/manifests/${tag}`, {
    method: 'PUT',
    headers: { ...headers, 'content-type': 'application/vnd.oci.image.manifest.v1+json' },
    body: manifest,
  });
  if (put.status !== 201) throw new Error(`manifest ${repository}:${tag}: ${put.status} ${await put.text()}`);
  return sha256(manifest);
}

/** A Docker config folder (DOCKER_CONFIG) with `docker login` entries for these registries. */
export function dockerConfig(dir: string, logins: Record<string, { username: string; password: string }>): string {
  mkdirSync(dir, { recursive: true });
  const auths = Object.fromEntries(
    Object.entries(logins).map(([key, user]) => [key, { auth: Buffer.from(`${user.username}:${user.password}`).toString('base64') }]),
  );
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ auths }));
  return dir;
}
