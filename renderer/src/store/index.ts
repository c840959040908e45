// One store built from slices: the core slice plus one per pane (features/<pane>/slice.ts).
// Each slice holds its data, a status and its last error.
import { create } from 'zustand';
import { type DoctorSlice, createDoctorSlice } from '../features/doctor/slice.js';
import { type ForwardsSlice, createForwardsSlice } from '../features/forwards/slice.js';
import { type KafkaSlice, createKafkaSlice } from '../features/kafka/slice.js';
import { type LogsSlice, createLogsSlice } from '../features/logs/slice.js';
import { type CoreSlice, createCoreSlice } from './core.js';
import { type SearchSlice, createSearchSlice } from '../features/search/slice.js';
import { type StackSlice, createStackSlice } from '../features/stack/slice.js';

export type { Status, View } from './core.js';
export type Store = CoreSlice & ForwardsSlice & SearchSlice & KafkaSlice & StackSlice & LogsSlice & DoctorSlice;

export const useStore = create<Store>()((...args) => ({
  ...createCoreSlice(...args),
  ...createForwardsSlice(...args),
  ...createSearchSlice(...args),
  ...createKafkaSlice(...args),
  ...createStackSlice(...args),
  ...createLogsSlice(...args),
  ...createDoctorSlice(...args),
}));
