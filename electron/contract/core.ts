// App-wide channels: app info, tools, settings, kubeconfig contexts and jobs.
import { z } from 'zod';
import { type ChannelMap, type EventMap } from './define.js';
import { AppInfo, Job, JobLine, KubeContexts, Notice, Settings, SettingsPatch, ToolName, ToolReport } from './schemas.js';

export const empty = z.object({}).strict().default({});
const jobId = z.object({ id: z.string().min(1) }).strict();

export const coreChannels = {
  'app:info': { request: empty, response: AppInfo },
  'tools:detect': {
    request: z
      .object({ only: z.array(ToolName).optional() })
      .strict()
      .default({}),
    response: z.array(ToolReport),
  },
  'kube:contexts': { request: empty, response: KubeContexts },
  'settings:get': { request: empty, response: Settings },
  'settings:update': { request: SettingsPatch, response: Settings },
  'jobs:list': { request: empty, response: z.array(Job) },
  'jobs:get': { request: jobId, response: Job },
  'jobs:lines': {
    request: z.object({ id: z.string().min(1), tail: z.number().int().positive().max(10_000).default(500) }).strict(),
    response: z.array(JobLine),
  },
  'jobs:cancel': { request: jobId, response: Job },
} as const satisfies ChannelMap;

export const coreEvents = {
  'job:changed': Job,
  'job:line': JobLine,
  'settings:changed': Settings,
  'app:notice': Notice,
} as const satisfies EventMap;
