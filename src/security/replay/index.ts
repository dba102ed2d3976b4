export type { ReplayCache } from './types.ts';
export { MemoryReplayCache } from './memory.ts';
export type { MemoryReplayCacheOptions } from './memory.ts';
