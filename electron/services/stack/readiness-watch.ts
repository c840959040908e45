// Readiness watched with client-node (one list+watch per kind and namespace, re-listed when a watch
// ends), so progress messages are real signals; on a timeout the not-ready resources are explained
// from their pods.
import { CoreV1Api, type KubeConfig, KubernetesObjectApi, type V1Pod, Watch } from '@kubernetes/client-node';
import { AppError } from '#contract/index.js';
import { diagnose, hintFor } from './diagnosis.js';
import type { ManifestObject } from './helm.js';
import { PullEvents, type PullProblem, describePull, pullFailure, pullProblems } from './pulls.js';
import { type AnyObject, type ResourceState, WATCHED, assess, isWatched } from './readiness.js';

const key = (o: { kind: string; name: string; namespace?: string }) => `${o.kind}/${o.namespace ?? ''}/${o.name}`;

function watchPath(apiVersion: string, namespace: string, plural: string): string {
  const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  return `${base}/namespaces/${namespace}/${plural}`;
}

/** One list+watch per (apiVersion, kind, namespace); keeps the latest object of each name it accepts. */
class KindWatch {
  readonly #objects = new Map<string, AnyObject>();
  #controller: AbortController | undefined;
  #stopped = false;
  #retry: NodeJS.Timeout | undefined;

  constructor(
    private readonly kc: KubeConfig,
    private readonly apiVersion: string,
    private readonly kind: string,
    private readonly namespace: string,
    private readonly plural: string,
    private readonly accept: (name: string) => boolean,
    private readonly onChange: () => void,
  ) {}

  get(name: string): AnyObject | null {
    return this.#objects.get(name) ?? null;
  }

  all(): AnyObject[] {
    return [...this.#objects.values()];
  }

  async start(): Promise<void> {
    if (this.#stopped) return;
    let resourceVersion: string | undefined;
    try {
      const list = await this.kc.makeApiClient(KubernetesObjectApi).list(this.apiVersion, this.kind, this.namespace);
      this.#objects.clear();
      for (const item of list.items as AnyObject[])
        if (item.metadata?.name && this.accept(item.metadata.name)) this.#objects.set(item.metadata.name, { ...item, kind: this.kind });
      resourceVersion = list.metadata?.resourceVersion;
      this.onChange();
    } catch {
      this.#again();
      return;
    }
    if (this.#stopped) return;
    try {
      this.#controller = await new Watch(this.kc).watch(
        watchPath(this.apiVersion, this.namespace, this.plural),
        { resourceVersion, allowWatchBookmarks: true },
        (phase, object: AnyObject) => {
          const name = object?.metadata?.name;
          if (!name || !this.accept(name)) return;
          if (phase === 'DELETED') this.#objects.delete(name);
          else if (phase === 'ADDED' || phase === 'MODIFIED') this.#objects.set(name, { ...object, kind: this.kind });
          this.onChange();
        },
        () => this.#again(),
      );
    } catch {
      this.#again();
    }
  }

  #again(): void {
    if (this.#stopped || this.#retry) return;
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      void this.start();
    }, 1000);
  }

  stop(): void {
    this.#stopped = true;
    if (this.#retry) clearTimeout(this.#retry);
    this.#controller?.abort();
  }
}

/** Watches a set of resources and reports their readiness as it changes. */
export class ReadinessWatch {
  readonly #watches = new Map<string, KindWatch>();
  /** Every pod of each namespace, for the image pulls of the watched workloads' pods. */
  readonly #pods = new Map<string, KindWatch>();
  readonly #objects: Array<ManifestObject & { namespace: string }>;

  #listed = false;
  readonly #onChange: (states: ResourceState[]) => void;

  constructor(kc: KubeConfig, objects: ManifestObject[], defaultNamespace: string, onChange: (states: ResourceState[]) => void) {
    this.#onChange = onChange;
    this.#objects = objects.filter(isWatched).map((o) => ({ ...o, namespace: o.namespace ?? defaultNamespace }));
    const groups = new Map<string, Array<ManifestObject & { namespace: string }>>();
    for (const object of this.#objects) {
      const group = `${object.apiVersion}|${object.kind}|${object.namespace}`;
      groups.set(group, [...(groups.get(group) ?? []), object]);
    }
    for (const [group, members] of groups) {
      const [apiVersion, kind, namespace] = group.split('|') as [string, string, string];
      // Until every kind has been listed once, "not found" would only mean "not listed yet".
      this.#watches.set(
        group,
        new KindWatch(
          kc,
          apiVersion,
          kind,
          namespace,
          WATCHED[kind]!.plural,
          (name) => members.some((m) => m.name === name),
          () => this.#listed && this.#onChange(this.states()),
        ),
      );
      if (!this.#pods.has(namespace))
        this.#pods.set(
          namespace,
          new KindWatch(
            kc,
            'v1',
            'Pod',
            namespace,
            'pods',
            () => true,
            () => this.#listed && this.#onChange(this.states()),
          ),
        );
    }
  }

  get size(): number {
    return this.#objects.length;
  }

  async start(): Promise<void> {
    await Promise.all([...this.#watches.values(), ...this.#pods.values()].map((watch) => watch.start()));
    this.#listed = true;
    this.#onChange(this.states());
  }

  states(): ResourceState[] {
    return this.#objects.map((object) => {
      const found = this.#watches.get(`${object.apiVersion}|${object.kind}|${object.namespace}`)?.get(object.name) ?? null;
      return { object, found, assessment: found ? assess(found) : { ready: false, message: 'not created yet' } };
    });
  }

  /** Failed pulls of the pods behind the watched objects that are not ready yet. */
  pullProblems(states: ResourceState[]): PullProblem[] {
    const pods = states
      .filter((state) => !state.assessment.ready && state.found)
      .flatMap((state) => {
        const selector = podSelector(state.found!);
        if (!selector) return [];
        const candidates = (this.#pods.get(state.object.namespace)?.all() ?? []) as V1Pod[];
        return candidates.filter((pod) => Object.entries(selector).every(([label, value]) => pod.metadata?.labels?.[label] === value));
      });
    return pullProblems([...new Map(pods.map((pod) => [pod.metadata?.name, pod])).values()]);
  }

  stop(): void {
    for (const watch of [...this.#watches.values(), ...this.#pods.values()]) watch.stop();
  }
}

/** The labels of a watched object's pods: its selector, or the label Strimzi puts on a Kafka cluster's pods. */
function podSelector(object: AnyObject): Record<string, string> | null {
  if (object.kind === 'Kafka') return object.metadata?.name ? { 'strimzi.io/cluster': object.metadata.name } : null;
  const labels = (object.spec?.selector as { matchLabels?: Record<string, string> } | undefined)?.matchLabels;
  return labels && Object.keys(labels).length ? labels : null;
}

export function describeState(state: ResourceState): string {
  return `${state.object.kind.toLowerCase()}/${state.object.name}: ${state.assessment.message}`;
}

export interface WaitOptions {
  signal: AbortSignal;
  timeoutMs: number;
  /** The latest not-ready summary (or "all ready"). */
  onProgress?: (summary: string, states: ResourceState[]) => void;
  /** A line per resource state change. */
  onLine?: (text: string) => void;
}

interface Outcome {
  states: ResourceState[];
  error?: 'failed' | 'timeout' | 'pull';
  pulls?: PullProblem[];
}

/**
 * Resolves when every watched object is ready. Rejects at once with IMAGE_PULL_FAILED when a pod of
 * theirs cannot pull an image; otherwise with TIMEOUT (or TOOL_FAILED for a terminal failure such as a
 * failed Job) carrying a Diagnosis of the resources that were not ready.
 */
export async function waitForReady(
  kc: KubeConfig,
  objects: ManifestObject[],
  namespace: string,
  options: WaitOptions,
): Promise<ResourceState[]> {
  const last = new Map<string, string>();
  let settle!: (value: Outcome) => void;
  const outcome = new Promise<Outcome>((resolve) => (settle = resolve));
  const say = (id: string, text: string) => {
    if (last.get(id) === text) return;
    last.set(id, text);
    options.onLine?.(text);
  };
  const events = new PullEvents(kc.makeApiClient(CoreV1Api));
  const check = (states: ResourceState[]) => {
    for (const state of states) say(key(state.object), describeState(state));
    const found = watch.pullProblems(states);
    // A back-off's event, once read, may show the pull cannot succeed: check again with it.
    events.read(found, () => check(watch.states()));
    const pulls = events.explain(found);
    for (const pull of pulls) say(`pull/${pull.pod}/${pull.container}`, describePull(pull));
    const waiting = states.filter((state) => !state.assessment.ready);
    if (waiting.length) options.onProgress?.([...waiting.map(describeState), ...pulls.map(describePull)].join('; '), states);
    if (waiting.length === 0) settle({ states });
    else if (pulls.some((pull) => pull.permanent)) settle({ states, error: 'pull', pulls });
    else if (waiting.some((state) => state.assessment.failed)) settle({ states, error: 'failed' });
  };
  const watch: ReadinessWatch = new ReadinessWatch(kc, objects, namespace, check);
  if (watch.size === 0) return [];
  const timer = setTimeout(() => settle({ states: watch.states(), error: 'timeout' }), options.timeoutMs);
  const onAbort = () => settle({ states: watch.states() });
  options.signal.addEventListener('abort', onAbort, { once: true });
  try {
    await watch.start();
    const result = await outcome;
    if (options.signal.aborted) throw options.signal.reason ?? new AppError('CANCELLED', 'Cancelled');
    if (!result.error) return result.states;
    if (result.error === 'pull') throw pullFailure(result.pulls ?? []);
    const waiting = result.states.filter((state) => !state.assessment.ready);
    const diagnosis = await diagnose(kc, waiting).catch(() => undefined);
    const what = waiting.map(describeState).join('; ');
    const seconds = Math.round(options.timeoutMs / 1000);
    throw new AppError(
      result.error === 'timeout' ? 'TIMEOUT' : 'TOOL_FAILED',
      result.error === 'timeout' ? `Not ready after ${seconds}s: ${what}` : `Failed: ${what}`,
      { hint: hintFor(diagnosis), detail: { diagnosis } },
    );
  } finally {
    clearTimeout(timer);
    options.signal.removeEventListener('abort', onAbort);
    watch.stop();
  }
}
