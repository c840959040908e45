// Registry credentials from the Docker CLI's config ($DOCKER_CONFIG/config.json, else
// ~/.docker/config.json): the `auths` entries `docker login` writes (base64 "user:password" in
// `auth`, or username/password). Keys are registry hosts, with or without a scheme; Docker Hub's is
// the legacy https://index.docker.io/v1/. Credentials kept by a credential helper (credsStore,
// credHelpers) are not read: the lookup says which helper holds them so the reason can say so.
// Nothing here is ever logged.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { DOCKER_HUB } from './reference.js';

export interface Credentials {
  username: string;
  password: string;
}

export interface CredentialSource {
  /** Credentials `docker login <domain>` stored in the config file, if any. */
  get(domain: string): Credentials | null;
  /** The credential helper that holds this registry's credentials instead (desktop, osxkeychain, …). */
  helper(domain: string): string | null;
}

interface ConfigFile {
  auths?: Record<string, { auth?: string; username?: string; password?: string }>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
}

/** A config key (https://index.docker.io/v1/, ghcr.io, http://127.0.0.1:5000) as the registry domain it is for. */
export function configKeyDomain(key: string): string {
  const host = key.replace(/^[a-z]+:\/\//, '').replace(/\/.*$/, '');
  return host === 'index.docker.io' || host === 'registry-1.docker.io' ? DOCKER_HUB : host;
}

export function dockerConfigPath(env: NodeJS.ProcessEnv): string {
  return join(env.DOCKER_CONFIG ?? join(env.HOME ?? homedir(), '.docker'), 'config.json');
}

/** Reads the config once; a missing or unreadable file means anonymous access everywhere. */
export function dockerCredentials(env: NodeJS.ProcessEnv): CredentialSource {
  let config: ConfigFile = {};
  try {
    config = JSON.parse(readFileSync(dockerConfigPath(env), 'utf8')) as ConfigFile;
  } catch {
    // No config (or not JSON): anonymous.
  }
  const entries = new Map<string, Credentials>();
  for (const [key, entry] of Object.entries(config.auths ?? {})) {
    let credentials: Credentials | null = null;
    if (entry.auth) {
      const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon > 0) credentials = { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
    } else if (entry.username && entry.password) credentials = { username: entry.username, password: entry.password };
    if (credentials) entries.set(configKeyDomain(key), credentials);
  }
  const helpers = new Map(Object.entries(config.credHelpers ?? {}).map(([key, helper]) => [configKeyDomain(key), helper]));
  return {
    get: (domain) => entries.get(domain) ?? null,
    helper: (domain) => (entries.has(domain) ? null : (helpers.get(domain) ?? config.credsStore ?? null)),
  };
}
