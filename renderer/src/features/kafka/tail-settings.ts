import type { TailFilter, TailFrom } from '#contract/kafka.js';

/** What the tail form asks for (pure data: shared by the slice, the form and "copy as command"). */
export interface TailSettings {
  topic: string;
  from: TailFrom;
  partition?: number;
  filter: TailFilter;
}
