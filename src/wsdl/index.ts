export { loadWsdl } from './load.ts';
export { publishDocument } from './publish.ts';
export type { PublishOptions } from './publish.ts';
export type * from './types.ts';
