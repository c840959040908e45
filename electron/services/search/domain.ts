// The search domain: maps the `search:*` channels to the OpenSearch service and search.json.
// Where OpenSearch is: an explicit endpoint in the request (CLI --opensearch-url), else the
// connection saved in the app, else the installed stack's OpenSearch through its port-forward
// (started on demand, visible in the Forwards pane).
import { AppError } from '#contract/index.js';
import type { ConnectionState, Endpoint, searchChannels } from '#contract/search.js';
import type { BackendContext, Domain } from '../../domain.js';
import { connectionView } from './endpoint.js';
import { unreachableHint } from './errors.js';
import { SearchService } from './search-service.js';
import { SearchStore } from './search-store.js';

export function searchDomain(ctx: BackendContext): Domain<keyof typeof searchChannels> {
  const store = new SearchStore(ctx.dataDir);
  const tenant = () => ctx.tenant();

  async function resolveEndpoint(): Promise<Endpoint> {
    const saved = await store.connection();
    if (saved) return saved;
    try {
      const forward = await ctx.forwards.ensure('opensearch');
      return { url: `http://127.0.0.1:${forward.spec.localPort}` };
    } catch (error) {
      const reason = error instanceof AppError ? `${error.message}${error.hint ? ` (${error.hint})` : ''}` : String(error);
      throw new AppError(
        'OPENSEARCH_UNREACHABLE',
        `No OpenSearch connection is set up, and the stack's forward could not start: ${reason}`,
        {
          hint: unreachableHint(tenant()),
          detail: error instanceof AppError ? error.toPayload() : undefined,
        },
      );
    }
  }

  const service = new SearchService({ resolveEndpoint, tenant });

  async function state(): Promise<ConnectionState> {
    const connection = await store.connection();
    return { connection: connection ? connectionView(connection) : null, notices: [...store.notices] };
  }

  return {
    handlers: {
      'search:connection': () => state(),
      'search:setConnection': async ({ connection }) => {
        await store.setConnection(connection);
        return state();
      },
      'search:cluster': ({ endpoint }) => service.cluster(endpoint),
      'search:indices': ({ endpoint, index }) => service.indices(index, endpoint),
      'search:deleteIndex': ({ endpoint, index }) => service.deleteIndex(index, endpoint),
      'search:mapping': ({ endpoint, index }) => service.mapping(index, endpoint),
      'search:query': ({ endpoint, size, searchAfter, from, now, aggregations, ...spec }) =>
        service.search(spec, { size, searchAfter, from, now, aggregations }, endpoint),
      'search:savedQueries': () => store.savedQueries(),
      'search:saveQuery': ({ name, query, columns }) => store.saveQuery(name, query, columns),
      'search:deleteSavedQuery': ({ id }) => store.deleteQuery(id),
    },
    close: () => service.close(),
  };
}
