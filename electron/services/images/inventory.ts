// The image inventory (resources/images.yaml): every image the stack runs, with who uses it and where
// its reference comes from. Images an operator creates at run time (`runtime: true`: the Kafka
// brokers Strimzi starts) and the operators' own images are in no tenant chart's render, so the
// reality check takes them from here. A missing inventory is an empty one.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';
import { AppError, describeIssues } from '#contract/index.js';

export const InventoryEntry = z.object({
  image: z.string().min(1),
  usedBy: z.array(z.string()).default([]),
  /** Created by an operator at run time, not rendered by a chart. */
  runtime: z.boolean().default(false),
  source: z.object({ repo: z.string(), path: z.string(), ref: z.string() }).partial().optional(),
});
export type InventoryEntry = z.infer<typeof InventoryEntry>;

const Inventory = z.object({ images: z.array(InventoryEntry).default([]) });

export function inventoryPath(appRoot: string): string {
  return join(appRoot, 'resources', 'images.yaml');
}

export function readInventory(path: string): InventoryEntry[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const parsed = Inventory.safeParse(YAML.parse(text) ?? {});
  if (!parsed.success) throw new AppError('INTERNAL', `${path} is not a valid image inventory: ${describeIssues(parsed.error)}`);
  return parsed.data.images;
}
