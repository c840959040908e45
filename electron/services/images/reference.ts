// Image references as a container runtime reads them (distribution/reference, normalize.go and
// regexp.go): the first path component is a registry only when it has a "." or ":" or is
// "localhost"; otherwise the image is on Docker Hub, whose one-word names live under library/. The
// tag defaults to latest; a digest wins over a tag. Docker Hub's API answers on registry-1.docker.io.

export const DOCKER_HUB = 'docker.io';
const DOCKER_HUB_API = 'registry-1.docker.io';
const LEGACY_DOCKER_HUB = 'index.docker.io';

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN =
  /^(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
const NAME_MAX = 255;

export interface ImageRef {
  /** As written. */
  text: string;
  /** The registry as people name it: docker.io, ghcr.io, 127.0.0.1:5000. */
  domain: string;
  /** Where its API answers (registry-1.docker.io for docker.io). */
  host: string;
  /** The repository inside the registry: library/busybox, strimzi/kafka. */
  repository: string;
  tag?: string;
  digest?: string;
  /** What the manifest endpoint is asked for: the digest, else the tag. */
  reference: string;
}

export class InvalidReference extends Error {}

export function parseImageRef(text: string): ImageRef {
  const invalid = (why: string) => new InvalidReference(`"${text}" is not a valid image reference: ${why}`);
  let rest = text.trim();
  if (!rest) throw invalid('it is empty');
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw invalid(`the digest "${digest}" is not algorithm:hex`);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw invalid(`the tag "${tag}" has characters a tag cannot have`);
  }
  const slash = rest.indexOf('/');
  const first = slash < 0 ? '' : rest.slice(0, slash);
  const hasDomain = slash >= 0 && (/[.:]/.test(first) || first === 'localhost' || first.toLowerCase() !== first);
  let domain = hasDomain ? first : DOCKER_HUB;
  let repository = hasDomain ? rest.slice(slash + 1) : rest;
  if (domain === LEGACY_DOCKER_HUB) domain = DOCKER_HUB;
  if (domain === DOCKER_HUB && !repository.includes('/')) repository = `library/${repository}`;
  if (!DOMAIN.test(domain)) throw invalid(`"${domain}" is not a registry host`);
  if (repository.toLowerCase() !== repository) throw invalid('the repository name must be lowercase');
  if (!repository.split('/').every((part) => PATH_COMPONENT.test(part)))
    throw invalid(`"${repository}" has a path component that is not lowercase letters, digits and separators`);
  if (`${domain}/${repository}`.length > NAME_MAX) throw invalid(`the name is longer than ${NAME_MAX} characters`);
  return {
    text,
    domain,
    host: domain === DOCKER_HUB ? DOCKER_HUB_API : domain,
    repository,
    // A digest alone pins the image; without one the runtime pulls the tag (latest by default).
    ...(tag || !digest ? { tag: tag ?? 'latest' } : {}),
    ...(digest ? { digest } : {}),
    reference: digest ?? tag ?? 'latest',
  };
}

/** The reference as a mirror serves it: the mirror (a host with an optional path) replaces the registry, the path and tag stay. */
export function onMirror(text: string, mirror: string): string {
  const ref = parseImageRef(text);
  return `${mirror}/${ref.repository}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}

/** The registry a reference names, without throwing for a malformed one (the doctor reports those too). */
export function registryOf(text: string): string {
  try {
    return parseImageRef(text).domain;
  } catch {
    const slash = text.indexOf('/');
    const first = slash < 0 ? '' : text.slice(0, slash);
    return /[.:]/.test(first) || first === 'localhost' ? first : DOCKER_HUB;
  }
}
