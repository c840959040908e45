// The port-forward manager: the stack's services for the current tenant (seed defaults) plus the
// user's custom forwards, each a SupervisedForward. Port choices and custom forwards persist in
// <dataDir>/forwards.json.
import { join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { z } from 'zod';
import { ForwardTransportMode } from '#contract/forwards.js';
import {
  AppError,
  type ErrorInfo,
  type ErrorPayload,
  ForwardSpec,
  type ForwardStatus,
  type Notice,
  toErrorPayload,
} from '#contract/index.js';
import { JsonFile } from '../json-file.js';
import { isPortFree, nextFreePort, portOwner } from '../net/ports.js';
import { STACK_SERVICES, serviceName, tenantNamespace } from '../stack/services.js';
import { type SupervisorTiming, DEFAULT_TIMING, SupervisedForward } from './supervised-forward.js';

const Saved = z.object({
  custom: z.array(ForwardSpec).default([]),
  /** Local ports chosen by the user (e.g. after a conflict), by forward id. */
  localPorts: z.record(z.string(), z.number().int()).default({}),
  autoStart: z.array(z.string()).default([]),
  /** Transport chosen per forward id; absent means auto. */
  transports: z.record(z.string(), ForwardTransportMode).default({}),
});
type Saved = z.infer<typeof Saved>;

export interface ForwardsServiceOptions {
  dataDir: string;
  tenant: () => string;
  kubeConfig: () => KubeConfig;
  onChange: (status: ForwardStatus) => void;
  timing?: SupervisorTiming;
}

export interface StartFailure extends ErrorInfo {
  id: string;
  suggestedPort?: number;
}

export class ForwardsService {
  readonly #options: ForwardsServiceOptions;
  readonly #file: JsonFile<typeof Saved>;
  readonly #forwards = new Map<string, SupervisedForward>();
  /** Forwards other capabilities open for themselves (e.g. one per Kafka broker pod); not persisted. */
  readonly #system = new Map<string, ForwardSpec>();
  readonly notices: Notice[] = [];

  constructor(options: ForwardsServiceOptions) {
    this.#options = options;
    this.#file = new JsonFile(join(options.dataDir, 'forwards.json'), Saved, ({ problem, backup }) => ({
      id: 'forwards-corrupt',
      message: `Saved forwards could not be read (${problem}); defaults are in use.`,
      hint: `The old file is ${backup}.`,
    }));
  }

  async load(): Promise<void> {
    await this.#file.load();
    this.notices.push(...this.#file.notices);
  }

  get #saved(): Saved {
    return this.#file.value;
  }

  /** The forwards on offer: the stack's services for the tenant, then custom ones. */
  specs(): ForwardSpec[] {
    const tenant = this.#options.tenant();
    const stack = STACK_SERVICES.map((service): ForwardSpec => ({
      id: service.id,
      title: service.title,
      namespace: tenantNamespace(tenant),
      target: { kind: 'service', name: serviceName(service, tenant) },
      remotePort: service.remotePort,
      localPort: this.#saved.localPorts[service.id] ?? service.localPort,
      probe: service.probe,
      path: service.path,
      custom: false,
    }));
    const system = [...this.#system.values()].filter((spec) => spec.namespace === tenantNamespace(tenant));
    return [...stack, ...system, ...this.#saved.custom].map((spec) => ({
      ...spec,
      localPort: this.#saved.localPorts[spec.id] ?? spec.localPort,
    }));
  }

  list(): ForwardStatus[] {
    return this.specs().map((spec) => this.#status(this.#forward(spec)));
  }

  status(id: string): ForwardStatus {
    return this.#status(this.#forward(this.#spec(id)));
  }

  async setAutoStart(id: string, autoStart: boolean): Promise<ForwardStatus> {
    this.#spec(id);
    await this.#file.update((saved) => ({
      ...saved,
      autoStart: [...saved.autoStart.filter((other) => other !== id), ...(autoStart ? [id] : [])],
    }));
    return this.status(id);
  }

  /** Chooses how the forward reaches its pod; a running forward restarts on the new transport. */
  async setTransport(id: string, transport: ForwardTransportMode): Promise<ForwardStatus> {
    this.#spec(id);
    await this.#file.update((saved) => ({ ...saved, transports: { ...saved.transports, [id]: transport } }));
    const previous = this.#forwards.get(id);
    this.#forwards.delete(id);
    if (previous?.running) {
      await previous.stop(`switching to the ${transport} transport`);
      return this.start(id);
    }
    return this.status(id);
  }

  /** Starts the forwards marked auto-start; failures show on the forward (and its event), not here. */
  async autoStart(): Promise<void> {
    for (const id of this.#saved.autoStart) {
      if (!this.specs().some((spec) => spec.id === id)) continue;
      await this.start(id).catch((error: unknown) => {
        this.notices.push({
          id: `forward-autostart-${id}`,
          level: 'warn',
          message: `Auto-start of the ${id} forward failed: ${toErrorPayload(error).message}`,
          hint: toErrorPayload(error).hint,
        });
      });
    }
  }

  /**
   * Starts one forward. A taken port is a PORT_IN_USE error naming the holder and the next free port;
   * passing `localPort` picks another port and remembers the choice.
   */
  async start(id: string, localPort?: number): Promise<ForwardStatus> {
    let spec = this.#spec(id);
    if (localPort !== undefined && localPort !== spec.localPort) {
      const previous = this.#forwards.get(id);
      if (previous?.running) await previous.stop(`moved to local port ${localPort}`);
      this.#forwards.delete(id);
      await this.#rememberPort(id, localPort);
      spec = this.#spec(id);
    }
    const forward = this.#forward(spec);
    try {
      await forward.start(this.#options.kubeConfig());
    } catch (error) {
      if (error instanceof AppError && error.code === 'PORT_IN_USE') throw await this.#portInUse(spec.localPort, spec.title);
      throw error;
    }
    return this.#status(forward);
  }

  async stop(id: string): Promise<ForwardStatus> {
    const forward = this.#forward(this.#spec(id));
    await forward.stop();
    return this.#status(forward);
  }

  /** Starts every stack forward that is not running; one failure does not stop the rest. */
  async startAll(): Promise<{ started: ForwardStatus[]; failed: StartFailure[] }> {
    const started: ForwardStatus[] = [];
    const failed: StartFailure[] = [];
    for (const spec of this.specs().filter((candidate) => !candidate.custom)) {
      if (this.#forwards.get(spec.id)?.running) continue;
      try {
        started.push(await this.start(spec.id));
      } catch (error) {
        const payload: ErrorPayload = toErrorPayload(error);
        const suggestedPort = (payload.detail as { suggestedPort?: number } | undefined)?.suggestedPort;
        failed.push({ id: spec.id, code: payload.code, message: payload.message, hint: payload.hint, suggestedPort });
      }
    }
    return { started, failed };
  }

  async stopAll(): Promise<ForwardStatus[]> {
    for (const forward of this.#forwards.values()) if (forward.running) await forward.stop();
    return this.list();
  }

  async add(input: Omit<ForwardSpec, 'id' | 'custom' | 'title'> & { title?: string }): Promise<ForwardStatus> {
    const base = `${input.target.name}-${input.remotePort}`.replace(/[^a-z0-9-]/g, '-');
    // The id is chosen inside the queued change, so two quick adds of one target get distinct ids.
    const saved = await this.#file.update((saved) => {
      let id = base;
      for (let i = 2; this.specs().some((spec) => spec.id === id); i++) id = `${base}-${i}`;
      const spec = ForwardSpec.parse({
        ...input,
        id,
        custom: true,
        title: input.title ?? `${input.target.kind}/${input.target.name}:${input.remotePort}`,
      });
      return { ...saved, custom: [...saved.custom, spec] };
    });
    return this.#status(this.#forward(saved.custom.at(-1)!));
  }

  async remove(id: string): Promise<ForwardStatus[]> {
    const spec = this.#spec(id);
    if (!spec.custom)
      throw new AppError('INVALID_REQUEST', `${spec.title} is one of the stack's services and cannot be removed`, {
        hint: 'Stop it instead.',
      });
    await this.#forwards.get(id)?.stop();
    this.#forwards.delete(id);
    await this.#file.update((saved) => {
      const { [id]: _forgotten, ...localPorts } = saved.localPorts;
      return { ...saved, custom: saved.custom.filter((custom) => custom.id !== id), localPorts };
    });
    return this.list();
  }

  /**
   * A forward another capability needs for itself (Kafka: one per broker pod). Its local port is
   * chosen free once and remembered, so clients keep the same address across restarts.
   */
  async ensureSystem(spec: Omit<ForwardSpec, 'custom' | 'localPort'> & { preferredPort: number }): Promise<ForwardStatus> {
    const { preferredPort, ...rest } = spec;
    if (!this.#system.has(spec.id)) {
      const remembered = this.#saved.localPorts[spec.id];
      const localPort = remembered ?? ((await isPortFree(preferredPort)) ? preferredPort : await nextFreePort(preferredPort));
      if (!localPort) throw new AppError('PORT_IN_USE', `No free local port near ${preferredPort} for ${spec.title}`);
      this.#system.set(spec.id, { ...rest, localPort, custom: false });
      if (remembered === undefined) {
        await this.#rememberPort(spec.id, localPort);
      }
    }
    return this.ensure(spec.id);
  }

  /** For other services (Kafka, Search): the local port of a running, started-if-needed forward. */
  async ensure(id: string): Promise<ForwardStatus> {
    const forward = this.#forward(this.#spec(id));
    if (!forward.running) await this.start(id);
    return this.#status(forward);
  }

  async close(): Promise<void> {
    for (const forward of this.#forwards.values()) await forward.stop('app closing');
  }

  #status(forward: SupervisedForward): ForwardStatus {
    return { ...forward.status(), autoStart: this.#saved.autoStart.includes(forward.spec.id) };
  }

  #spec(id: string): ForwardSpec {
    const spec = this.specs().find((candidate) => candidate.id === id);
    if (!spec)
      throw new AppError('NOT_FOUND', `No forward "${id}"`, {
        hint: `Known forwards: ${this.specs()
          .map((s) => s.id)
          .join(', ')}`,
      });
    return spec;
  }

  /** The supervisor for a spec; recreated when the tenant or port changed the spec. */
  #forward(spec: ForwardSpec): SupervisedForward {
    const existing = this.#forwards.get(spec.id);
    if (existing && (existing.running || JSON.stringify(existing.spec) === JSON.stringify(spec))) return existing;
    const forward = new SupervisedForward(
      spec,
      this.#options.kubeConfig(),
      (status) => this.#options.onChange({ ...status, autoStart: this.#saved.autoStart.includes(spec.id) }),
      this.#options.timing ?? DEFAULT_TIMING,
      this.#saved.transports[spec.id] ?? 'auto',
    );
    this.#forwards.set(spec.id, forward);
    return forward;
  }

  async #portInUse(port: number, title: string): Promise<AppError> {
    const [owner, suggestedPort] = await Promise.all([portOwner(port), nextFreePort(port)]);
    const holder = owner ? ` by ${owner.command.split(' ').slice(0, 3).join(' ')} (pid ${owner.pid})` : '';
    return new AppError('PORT_IN_USE', `Local port ${port} for ${title} is already in use${holder}`, {
      hint: suggestedPort ? `Use port ${suggestedPort} instead (it is free), or stop what holds ${port}.` : `Stop what holds ${port}.`,
      detail: { port, owner, suggestedPort },
    });
  }

  async #rememberPort(id: string, localPort: number): Promise<void> {
    await this.#file.update((saved) => ({ ...saved, localPorts: { ...saved.localPorts, [id]: localPort } }));
  }
}
