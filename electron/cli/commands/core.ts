// App-wide commands: tools, contexts, settings, serve.
import { join } from 'node:path';
import { AppError, type Settings, type SettingsPatch, TOOL_NAMES, type ToolReport } from '#contract/index.js';
import { sourceRoot } from '../../services/paths.js';
import type { Command } from '../command.js';
import { formatTable } from '../output.js';

/** The keys `logclaw settings set` knows: the settings' fields, a dot for a field of a group. */
const SETTING_KEYS = [
  'mirrors.images',
  'mirrors.operatorCharts',
  'tenant',
  'theme',
  'kubeconfig',
  'context',
  ...TOOL_NAMES.map((tool) => `toolPaths.${tool}`),
];

export const coreCommands: Record<string, Command> = {
  tools: {
    usage: 'logclaw tools [--json]',
    options: {},
    async run({ io, json, withBackend }) {
      const reports = await withBackend('cli', (backend) => backend.call('tools:detect', {}));
      io.out(json ? JSON.stringify(reports, null, 2) : formatToolTable(reports));
      return 0;
    },
  },
  contexts: {
    usage: 'logclaw contexts [--kubeconfig FILE] [--context NAME] [--json]',
    options: {},
    async run({ io, json, withBackend }) {
      const result = await withBackend('cli', (backend) => backend.call('kube:contexts', {}));
      if (json) {
        io.out(JSON.stringify(result, null, 2));
        return 0;
      }
      io.out(
        formatTable(result.contexts, [
          { header: 'CURRENT', value: (c) => (c.name === result.current ? '*' : '') },
          { header: 'NAME', value: (c) => c.name },
          { header: 'CLUSTER', value: (c) => c.cluster },
          { header: 'SERVER', value: (c) => c.server ?? '' },
          { header: 'NAMESPACE', value: (c) => c.namespace ?? '' },
        ]),
      );
      return 0;
    },
  },
  settings: {
    usage: `logclaw settings [set KEY VALUE | unset KEY] [--json]   KEY: ${SETTING_KEYS.join(', ')}`,
    options: {},
    async run({ io, json, positionals, withBackend }) {
      const [action, key, value, ...extra] = positionals;
      const usage = { hint: `Usage: ${coreCommands.settings!.usage}` };
      let patch: SettingsPatch | undefined;
      if (action === 'set' && key && value !== undefined && extra.length === 0) patch = settingsPatch(key, value);
      else if (action === 'unset' && key && value === undefined) patch = settingsPatch(key, null);
      else if (action !== undefined) throw new AppError('INVALID_REQUEST', 'Expected no arguments, set KEY VALUE or unset KEY', usage);
      const settings = await withBackend('cli', (backend) =>
        patch ? backend.call('settings:update', patch) : backend.call('settings:get', {}),
      );
      io.out(json ? JSON.stringify(settings, null, 2) : formatSettings(settings));
      return 0;
    },
  },
  serve: {
    usage: 'logclaw serve [--port N]',
    options: { port: { type: 'string', description: 'port on 127.0.0.1 (default: a free one)', placeholder: 'N' } },
    async run({ io, json, values, stopSignal, withBackend }) {
      const port = values.port === undefined ? 0 : Number(values.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        throw new AppError('INVALID_REQUEST', `--port must be a number from 0 to 65535, not "${values.port}"`);
      }
      return withBackend('http', async (backend) => {
        const { startBridge } = await import('../../server/bridge-server.js');
        const bridge = await startBridge({ backend, port, staticDir: join(sourceRoot(), 'dist', 'renderer') });
        io.out(json ? JSON.stringify({ url: bridge.url, port: bridge.port }) : `LogClaw UI: ${bridge.url}`);
        await stopSignal;
        await bridge.close();
        return 0;
      });
    },
  },
};

/** One key's change as a settings patch; the backend validates the value (SETTINGS_INVALID says what is wrong). */
function settingsPatch(key: string, value: string | null): SettingsPatch {
  if (!SETTING_KEYS.includes(key))
    throw new AppError('INVALID_REQUEST', `There is no setting "${key}"`, { hint: `Settings: ${SETTING_KEYS.join(', ')}.` });
  const [group, field] = key.split('.');
  return (field ? { [group!]: { [field]: value } } : { [group!]: value }) as SettingsPatch;
}

function formatSettings(settings: Settings): string {
  const shown: Record<string, string | undefined> = {
    'mirrors.images': settings.mirrors.images,
    'mirrors.operatorCharts': settings.mirrors.operatorCharts,
    tenant: settings.tenant,
    theme: settings.theme,
    kubeconfig: settings.kubeconfig,
    context: settings.context,
    ...Object.fromEntries(TOOL_NAMES.map((tool) => [`toolPaths.${tool}`, settings.toolPaths[tool]])),
  };
  return formatTable(Object.entries(shown), [
    { header: 'KEY', value: ([key]) => key },
    { header: 'VALUE', value: ([, value]) => value ?? '-' },
  ]);
}

function formatToolTable(reports: ToolReport[]): string {
  const table = formatTable(reports, [
    { header: 'TOOL', value: (r) => r.name },
    { header: 'STATUS', value: (r) => (r.ok ? 'ok' : r.found ? 'problem' : 'missing') },
    { header: 'VERSION', value: (r) => r.version ?? '-' },
    { header: 'REQUIRED', value: (r) => r.required ?? '-' },
    { header: 'PATH', value: (r) => (r.path ? `${r.path} (${r.source})` : '-') },
  ]);
  const hints = reports.filter((r) => r.hint).map((r) => `  ${r.name}: ${r.hint}`);
  return hints.length ? `${table}\n\nTo fix:\n${hints.join('\n')}` : table;
}
