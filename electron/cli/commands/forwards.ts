// logclaw forward list | start <name>|--all | stop <name>|--all
import { AppError, type ForwardStatus } from '#contract/index.js';
import type { Backend } from '../../backend.js';
import type { Command, CommandContext } from '../command.js';
import { numberFlag } from '../flags.js';
import { listSessions, registerSession, requestStop } from '../forward-sessions.js';
import { formatTable } from '../output.js';

export const forwardCommands: Record<string, Command> = {
  forward: {
    usage: 'logclaw forward list [--json] | start <name>|--all [--port N] | stop <name>|--all',
    options: {
      all: { type: 'boolean', description: 'every stack service' },
      port: { type: 'string', description: 'local port for a single forward (remembered)', placeholder: 'N' },
    },
    async run(ctx) {
      const [action, name] = ctx.positionals;
      if (action === 'list') return ctx.withBackend('cli', (backend) => list(ctx, backend));
      if (action === 'start') return start(ctx, name);
      if (action === 'stop') return ctx.withBackend('cli', async (backend) => stop(ctx, backend, name));
      throw new AppError('INVALID_REQUEST', action ? `Unknown forward action "${action}"` : 'Say what to do: list, start or stop', {
        hint: 'Usage: logclaw forward list | start <name>|--all | stop <name>|--all',
      });
    },
  },
};

async function list(ctx: CommandContext, backend: Backend): Promise<number> {
  const forwards = await backend.call('forwards:list');
  // Forwards held by `logclaw forward start` in other terminals show as running there.
  const elsewhere = new Map(listSessions(backend.dataDir).flatMap((session) => session.ids.map((id) => [id, session.pid] as const)));
  if (ctx.json) {
    ctx.io.out(
      JSON.stringify(
        forwards.map((f) => ({ ...f, heldBy: elsewhere.get(f.id) ?? null })),
        null,
        2,
      ),
    );
    return 0;
  }
  ctx.io.out(
    formatTable(forwards, [
      { header: 'NAME', value: (f) => f.id },
      { header: 'LOCAL', value: (f) => `127.0.0.1:${f.spec.localPort}` },
      {
        header: 'TARGET',
        value: (f) => `${f.spec.namespace}/${f.spec.target.kind === 'service' ? 'svc' : 'pod'}/${f.spec.target.name}:${f.spec.remotePort}`,
      },
      { header: 'STATE', value: (f) => (elsewhere.has(f.id) ? `running (pid ${elsewhere.get(f.id)})` : f.state) },
    ]),
  );
  return 0;
}

async function start(ctx: CommandContext, name: string | undefined): Promise<number> {
  if (!name && !ctx.values.all)
    throw new AppError('INVALID_REQUEST', 'Name a forward or pass --all', { hint: 'See `logclaw forward list`.' });
  const port = numberFlag(ctx.values, 'port', { integer: true, min: 1, max: 65535 });
  return ctx.withBackend('cli', async (backend) => {
    const print = (status: ForwardStatus) => {
      if (ctx.json)
        ctx.io.out(
          JSON.stringify({
            id: status.id,
            state: status.state,
            reason: status.reason,
            at: new Date(status.since).toISOString(),
            localPort: status.spec.localPort,
            pod: status.pod ?? null,
          }),
        );
      else
        ctx.io.out(
          `${new Date().toISOString().slice(11, 19)}  ${status.id.padEnd(15)} ${status.state.padEnd(12)} 127.0.0.1:${status.spec.localPort}  ${status.reason}`,
        );
    };
    const lastState = new Map<string, string>();
    backend.bus.on('forward:changed', (status) => {
      if (lastState.get(status.id) === status.state) return;
      lastState.set(status.id, status.state);
      print(status);
    });
    let ids: string[];
    if (name) {
      await backend.call('forwards:start', { id: name, ...(port ? { localPort: port } : {}) });
      ids = [name];
    } else {
      const result = await backend.call('forwards:startAll');
      for (const failure of result.failed) {
        ctx.io.err(`error [${failure.code}]: ${failure.id}: ${failure.message}`);
        if (failure.hint)
          ctx.io.err(
            `hint: ${failure.hint}${failure.suggestedPort ? ` (logclaw forward start ${failure.id} --port ${failure.suggestedPort})` : ''}`,
          );
      }
      ids = result.started.map((f) => f.id);
      if (ids.length === 0) return 1;
    }
    if (!ctx.json) ctx.io.err('Forwarding; press Ctrl-C to stop.');
    const session = registerSession(backend.dataDir, ids);
    const poll = setInterval(() => {
      for (const id of session.takeStopRequests()) {
        if (!ids.includes(id)) continue;
        void backend.call('forwards:stop', { id });
        ids = ids.filter((other) => other !== id);
        session.update(ids);
      }
    }, 300);
    const allStopped = new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (ids.length === 0) {
          clearInterval(check);
          resolve();
        }
      }, 300);
    });
    await Promise.race([ctx.stopSignal, allStopped]);
    clearInterval(poll);
    session.close();
    await backend.call('forwards:stopAll');
    return 0;
  });
}

async function stop(ctx: CommandContext, backend: Backend, name: string | undefined): Promise<number> {
  if (!name && !ctx.values.all) throw new AppError('INVALID_REQUEST', 'Name a forward or pass --all');
  const sessions = listSessions(backend.dataDir);
  const targets = name ? sessions.filter((session) => session.ids.includes(name)) : sessions;
  if (targets.length === 0) {
    throw new AppError('NOT_FOUND', name ? `No running \`logclaw forward start\` holds ${name}` : 'No `logclaw forward start` is running', {
      hint: 'Forwards started in the app are stopped in its Forwards pane.',
    });
  }
  for (const session of targets) {
    if (name) requestStop(backend.dataDir, session, name);
    else process.kill(session.pid, 'SIGTERM');
  }
  ctx.io.out(
    ctx.json
      ? JSON.stringify({ stopped: name ? [name] : targets.flatMap((s) => s.ids) })
      : `Asked ${targets.length} process(es) to stop ${name ?? 'all forwards'}.`,
  );
  return 0;
}
