import type { stackChannels } from '#contract/stack.js';
import type { BackendContext, Domain } from '../../domain.js';
import { StackService } from './stack-service.js';

export function stackDomain(ctx: BackendContext): Domain<keyof typeof stackChannels> {
  const stack = new StackService(ctx);
  // The window (and `logclaw serve`) picks up an install the app was killed in the middle of.
  if (ctx.transport !== 'cli') {
    void stack.resumeInterrupted().catch(() => undefined);
  }
  return {
    handlers: {
      'stack:preflight': (request) => stack.preflight(request),
      'stack:profiles': (request) => stack.profiles(request),
      'stack:status': ({ tenant }) => stack.status(tenant),
      'stack:up': (request) => stack.up(request),
      'stack:resume': ({ id, skip }) => stack.resume(id, skip),
      'stack:down': (request) => stack.down(request),
      'stack:secrets': ({ tenant }) => stack.devSecrets(tenant),
      'stack:clusters': () => stack.clusters(),
    },
  };
}
