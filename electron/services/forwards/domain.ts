import type { forwardsChannels } from '#contract/forwards.js';
import type { BackendContext, Domain } from '../../domain.js';

export function forwardsDomain(ctx: BackendContext): Domain<keyof typeof forwardsChannels> {
  const { forwards } = ctx;
  return {
    handlers: {
      'forwards:list': () => forwards.list(),
      'forwards:start': ({ id, localPort }) => forwards.start(id, localPort),
      'forwards:stop': ({ id }) => forwards.stop(id),
      'forwards:startAll': () => forwards.startAll(),
      'forwards:stopAll': () => forwards.stopAll(),
      'forwards:add': ({ kind, name, ...rest }) => forwards.add({ ...rest, target: { kind, name } }),
      'forwards:remove': ({ id }) => forwards.remove(id),
      'forwards:setAutoStart': ({ id, autoStart }) => forwards.setAutoStart(id, autoStart),
      'forwards:setTransport': ({ id, transport }) => forwards.setTransport(id, transport),
    },
    close: () => forwards.close(),
  };
}
