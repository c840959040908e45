// The Search pane's slice: connection, cluster and indices, the query form, results (with pages
// beyond the first), the selected row and saved queries.
import type { StateCreator } from 'zustand';
import type { ErrorPayload, Notice } from '#contract/index.js';
import {
  type ClusterInfo,
  type ConnectionInput,
  type ConnectionView,
  DEFAULT_INDEX,
  DEFAULT_TIME_FIELD,
  type FieldInfo,
  type IndexInfo,
  type QuerySpec,
  type SavedQuery,
  type SearchHit,
  type SearchResult,
  type SortSpec,
  type TimeRange,
} from '#contract/search.js';
import { invoke } from '../../bridge.js';
import type { Status, Store } from '../../store/index.js';
import { attempt, patcherFor } from '../../store/slice-helpers.js';
import { markFailed, markResponse, markRun } from './perf.js';

export type SearchTab = 'discover' | 'cluster';

export interface SearchForm {
  index: string;
  mode: 'simple' | 'dsl';
  query: string;
  dsl: string;
  range: TimeRange;
  levels: string[];
  services: string[];
  sort: SortSpec;
  size: number;
  timeField: string;
}

export const DEFAULT_DSL = `{
  "query": {
    "match_all": {}
  },
  "sort": [
    { "ingest_timestamp": "desc" }
  ]
}`;

export const DEFAULT_FORM: SearchForm = {
  index: DEFAULT_INDEX,
  mode: 'simple',
  query: '',
  dsl: DEFAULT_DSL,
  range: { kind: 'relative', last: '1h' },
  levels: [],
  services: [],
  sort: { field: DEFAULT_TIME_FIELD, order: 'desc' },
  size: 500,
  timeField: DEFAULT_TIME_FIELD,
};

export interface SearchState {
  tab: SearchTab;
  connection: ConnectionView | null;
  notices: Notice[];
  connectionStatus: Status;
  connectionError: ErrorPayload | null;
  cluster: ClusterInfo | null;
  clusterStatus: Status;
  clusterError: ErrorPayload | null;
  indices: IndexInfo[];
  indicesStatus: Status;
  indicesError: ErrorPayload | null;
  fields: FieldInfo[];
  form: SearchForm;
  /** Table columns; null means the defaults for the mapping. */
  columns: string[] | null;
  result: SearchResult | null;
  /** The form the result belongs to (pages continue it even while the form is edited). */
  ranForm: SearchForm | null;
  hits: SearchHit[];
  status: Status;
  loadingMore: boolean;
  lastError: ErrorPayload | null;
  selected: number | null;
  saved: SavedQuery[];
  savedId: string | null;
}

export interface SearchSlice {
  search: SearchState;
  searchInit(): Promise<void>;
  setSearchTab(tab: SearchTab): void;
  saveSearchConnection(connection: ConnectionInput | null): Promise<boolean>;
  loadSearchCluster(): Promise<boolean>;
  loadSearchIndices(): Promise<void>;
  deleteSearchIndex(index: string): Promise<boolean>;
  loadSearchFields(): Promise<void>;
  setSearchForm(patch: Partial<SearchForm>): void;
  runSearch(patch?: Partial<SearchForm>): Promise<void>;
  loadMoreHits(): Promise<void>;
  selectHit(index: number | null): void;
  setSearchColumns(columns: string[] | null): void;
  saveSearchQuery(name: string): Promise<boolean>;
  applySavedQuery(id: string): Promise<void>;
  deleteSavedQuery(id: string): Promise<void>;
}

const INITIAL: SearchState = {
  tab: 'discover',
  connection: null,
  notices: [],
  connectionStatus: 'idle',
  connectionError: null,
  cluster: null,
  clusterStatus: 'idle',
  clusterError: null,
  indices: [],
  indicesStatus: 'idle',
  indicesError: null,
  fields: [],
  form: DEFAULT_FORM,
  columns: null,
  result: null,
  ranForm: null,
  hits: [],
  status: 'idle',
  loadingMore: false,
  lastError: null,
  selected: null,
  saved: [],
  savedId: null,
};

function querySpec(form: SearchForm): QuerySpec {
  return {
    index: form.index,
    mode: form.mode,
    query: form.query,
    dsl: form.dsl,
    range: form.range,
    timeField: form.timeField,
    levels: form.levels,
    services: form.services,
    sort: form.sort,
  };
}

export const createSearchSlice: StateCreator<Store, [], [], SearchSlice> = (set, get) => {
  const patch = patcherFor(set, 'search');
  const failed = (lastError: ErrorPayload) => patch({ lastError });
  // Answers of an older run (typing fast, zooming twice) must not overwrite a newer one.
  let runSeq = 0;

  return {
    search: INITIAL,

    async searchInit() {
      if (get().search.connectionStatus === 'loading') return;
      patch({ connectionStatus: 'loading' });
      const connected = await attempt(
        async () => {
          const [state, saved] = await Promise.all([invoke('search:connection', {}), invoke('search:savedQueries', {})]);
          patch({ connection: state.connection, notices: state.notices, saved, connectionStatus: 'ready', connectionError: null });
        },
        (connectionError) => patch({ connectionStatus: 'error', connectionError }),
      );
      if (connected && (await get().loadSearchCluster())) {
        void get().loadSearchFields();
        if (get().search.tab === 'cluster') void get().loadSearchIndices();
        if (!get().search.result && get().search.status !== 'loading') void get().runSearch();
      }
    },

    setSearchTab(tab) {
      patch({ tab });
      if (tab === 'cluster') {
        void get().loadSearchCluster();
        void get().loadSearchIndices();
      }
    },

    async saveSearchConnection(connection) {
      const saved = await attempt(
        async () => {
          const state = await invoke('search:setConnection', { connection });
          patch({
            connection: state.connection,
            notices: state.notices,
            connectionStatus: 'ready',
            connectionError: null,
            cluster: null,
            clusterError: null,
            result: null,
            hits: [],
            lastError: null,
            selected: null,
          });
        },
        (connectionError) => patch({ connectionError }),
      );
      if (saved && connection) void get().searchInit();
      return saved;
    },

    loadSearchCluster() {
      patch({ clusterStatus: 'loading' });
      return attempt(
        async () => patch({ cluster: await invoke('search:cluster', {}), clusterStatus: 'ready', clusterError: null }),
        (clusterError) => patch({ clusterStatus: 'error', clusterError }),
      );
    },

    async loadSearchIndices() {
      patch({ indicesStatus: 'loading' });
      await attempt(
        async () => patch({ indices: await invoke('search:indices', { index: '*' }), indicesStatus: 'ready', indicesError: null }),
        (indicesError) => patch({ indicesStatus: 'error', indicesError }),
      );
    },

    deleteSearchIndex(index) {
      return attempt(
        async () => {
          await invoke('search:deleteIndex', { index, confirm: index });
          patch((s) => ({ indices: s.indices.filter((i) => i.index !== index), indicesError: null }));
          void get().loadSearchIndices();
          void get().loadSearchCluster();
        },
        (indicesError) => patch({ indicesError }),
      );
    },

    async loadSearchFields() {
      const index = get().search.form.index;
      await attempt(
        async () => {
          const { fields } = await invoke('search:mapping', { index });
          if (get().search.form.index !== index) return;
          // Logs without ingest_timestamp: fall back to the mapping's first date field for ranges.
          const dates = fields.filter((f) => f.type === 'date' || f.type === 'date_nanos').map((f) => f.name);
          const timeField = dates.includes(DEFAULT_TIME_FIELD) || dates.length === 0 ? DEFAULT_TIME_FIELD : dates[0]!;
          patch((s) => ({
            fields,
            form:
              s.form.timeField === timeField
                ? s.form
                : {
                    ...s.form,
                    timeField,
                    sort: s.form.sort.field === s.form.timeField ? { ...s.form.sort, field: timeField } : s.form.sort,
                  },
          }));
        },
        // No mapping (no such index yet): no field names to offer.
        () => patch({ fields: [] }),
      );
    },

    setSearchForm(next) {
      const indexChanged = next.index !== undefined && next.index !== get().search.form.index;
      patch((s) => ({ form: { ...s.form, ...next } }));
      if (indexChanged) void get().loadSearchFields();
    },

    async runSearch(next) {
      if (next) get().setSearchForm(next);
      const form = get().search.form;
      const seq = ++runSeq;
      markRun();
      patch({ status: 'loading', lastError: null });
      await attempt(
        async () => {
          const result = await invoke('search:query', { ...querySpec(form), size: form.size, aggregations: true });
          if (seq !== runSeq) return;
          markResponse();
          patch({ result, ranForm: form, hits: result.hits, status: 'ready', lastError: null, selected: null });
        },
        (lastError) => {
          if (seq !== runSeq) return;
          markFailed();
          patch({ status: 'error', lastError });
        },
      );
    },

    async loadMoreHits() {
      const { result, ranForm, loadingMore } = get().search;
      const next = result?.next;
      if (!result || !next || !ranForm || loadingMore) return;
      const seq = runSeq;
      patch({ loadingMore: true });
      await attempt(
        async () => {
          const page = await invoke('search:query', {
            ...querySpec(ranForm),
            size: ranForm.size,
            now: result.now,
            aggregations: false,
            ...(next.searchAfter ? { searchAfter: next.searchAfter } : { from: next.from }),
          });
          if (seq !== runSeq) return;
          patch((s) => ({ hits: [...s.hits, ...page.hits], result: s.result && { ...s.result, next: page.next }, loadingMore: false }));
        },
        (lastError) => patch({ loadingMore: false, lastError }),
      );
    },

    selectHit(selected) {
      patch({ selected });
    },

    setSearchColumns(columns) {
      patch({ columns });
    },

    saveSearchQuery(name) {
      const { form, columns } = get().search;
      return attempt(async () => {
        const saved = await invoke('search:saveQuery', { name, query: querySpec(form), columns: columns ?? [] });
        patch({ saved, savedId: saved.find((q) => q.name === name.trim())?.id ?? null, lastError: null });
      }, failed);
    },

    async applySavedQuery(id) {
      const query = get().search.saved.find((q) => q.id === id);
      if (!query) return;
      patch({ savedId: id, columns: query.columns.length ? query.columns : null });
      await get().runSearch({
        index: query.index,
        mode: query.mode,
        query: query.query,
        dsl: query.dsl || DEFAULT_DSL,
        range: query.range,
        timeField: query.timeField,
        levels: query.levels,
        services: query.services,
        sort: query.sort,
      });
    },

    async deleteSavedQuery(id) {
      await attempt(async () => {
        const saved = await invoke('search:deleteSavedQuery', { id });
        patch((s) => ({ saved, savedId: s.savedId === id ? null : s.savedId }));
      }, failed);
    },
  };
};
