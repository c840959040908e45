// An OpenSearch endpoint: URL (credentials moved out of it), basic auth, TLS trust. Builds the
// client options and the redacted views (UI, curl, error messages) that never carry the password.
import { readFile } from 'node:fs/promises';
import type { ConnectionOptions } from 'node:tls';
import { shellWords } from '#contract/command.js';
import { AppError } from '#contract/index.js';
import type { ConnectionView, Endpoint } from '#contract/search.js';

/** What `resolveEndpoint()` gives the search service; the forwards service will supply one later. */
export type ResolvedEndpoint = Endpoint;
export type ResolveEndpoint = () => Promise<ResolvedEndpoint>;

/**
 * Moves `user:password@` out of the URL into username/password (the URL is shown and logged),
 * drops a trailing slash, and keeps a path prefix (OpenSearch behind a reverse proxy).
 */
export function normalizeEndpoint(endpoint: Endpoint): Endpoint {
  const url = new URL(endpoint.url);
  const username = endpoint.username ?? (url.username ? decodeURIComponent(url.username) : undefined);
  const password = endpoint.password ?? (url.password ? decodeURIComponent(url.password) : undefined);
  url.username = '';
  url.password = '';
  url.hash = '';
  url.search = '';
  const normalized: Endpoint = { url: url.toString().replace(/\/+$/, '') };
  if (username) normalized.username = username;
  if (password !== undefined && password !== '') normalized.password = password;
  if (endpoint.caFile) normalized.caFile = endpoint.caFile;
  if (endpoint.insecure) normalized.insecure = true;
  return normalized;
}

export function connectionView(endpoint: Endpoint): ConnectionView {
  const view: ConnectionView = { url: endpoint.url, hasPassword: Boolean(endpoint.password), insecure: endpoint.insecure === true };
  if (endpoint.username) view.username = endpoint.username;
  if (endpoint.caFile) view.caFile = endpoint.caFile;
  return view;
}

/** Identifies a client configuration (the password is part of it, but only as a digest-free tag). */
export function endpointKey(endpoint: Endpoint): string {
  return JSON.stringify([
    endpoint.url,
    endpoint.username ?? '',
    endpoint.password ?? '',
    endpoint.caFile ?? '',
    endpoint.insecure === true,
  ]);
}

export interface ClientConfig {
  node: string;
  auth?: { username: string; password: string };
  ssl?: ConnectionOptions;
}

/** Client options for an endpoint; reads the CA file (a missing file is a coded, actionable error). */
export async function clientConfig(endpoint: Endpoint): Promise<ClientConfig> {
  const config: ClientConfig = { node: endpoint.url };
  if (endpoint.username) config.auth = { username: endpoint.username, password: endpoint.password ?? '' };
  if (endpoint.url.startsWith('https:')) {
    const ssl: ConnectionOptions = { rejectUnauthorized: endpoint.insecure !== true };
    if (endpoint.caFile) {
      try {
        ssl.ca = await readFile(endpoint.caFile, 'utf8');
      } catch (error) {
        throw new AppError(
          'OPENSEARCH_UNREACHABLE',
          `Cannot read the CA file ${endpoint.caFile}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
          {
            hint: 'Point the connection at the PEM file of the CA that signed the cluster certificate.',
          },
        );
      }
    }
    config.ssl = ssl;
  }
  return config;
}

/** The request as a curl command line; the password is never included (curl prompts for it). */
export function curlCommand(endpoint: Endpoint, method: string, path: string, body?: string): string {
  const argv = ['curl', '-sS', '-X', method, endpoint.url + path];
  if (endpoint.username) argv.push('-u', endpoint.username);
  if (endpoint.caFile) argv.push('--cacert', endpoint.caFile);
  if (endpoint.insecure && endpoint.url.startsWith('https:')) argv.push('-k');
  if (body !== undefined) argv.push('-H', 'Content-Type: application/json', '-d', body);
  return shellWords(argv);
}
