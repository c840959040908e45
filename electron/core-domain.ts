import type { coreChannels } from '#contract/core.js';
import type { BackendContext, Domain } from './domain.js';
import { listContexts } from './services/kube/kubeconfig.js';

export function coreDomain(ctx: BackendContext): Domain<keyof typeof coreChannels> {
  return {
    handlers: {
      'app:info': () => ({
        version: ctx.version,
        platform: process.platform,
        arch: process.arch,
        dataDir: ctx.dataDir,
        transport: ctx.transport,
        notices: [...ctx.settings.notices, ...ctx.forwards.notices],
      }),
      'tools:detect': (request) => ctx.tools.detect(request.only),
      'kube:contexts': () => listContexts(ctx.kubeTarget(), ctx.env),
      'settings:get': () => ctx.settings.current,
      'settings:update': async (patch) => {
        const next = await ctx.settings.update(patch);
        ctx.bus.emit('settings:changed', next);
        return next;
      },
      'jobs:list': () => ctx.jobs.list(),
      'jobs:get': ({ id }) => ctx.jobs.get(id),
      'jobs:lines': ({ id, tail }) => ctx.jobs.lines(id, tail),
      'jobs:cancel': ({ id }) => ctx.jobs.cancel(id),
    },
  };
}
