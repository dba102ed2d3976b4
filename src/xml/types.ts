import type { Document } from '@xmldom/xmldom';
import type { XmlLimitsConfig } from '../config/types.ts';

/** Structural limits enforced by the streaming pre-scan before any DOM is built. */
export type XmlLimits = Omit<XmlLimitsConfig, 'maxBodyBytes'>;

export type XmlEncoding = 'utf-8' | 'utf-16le' | 'utf-16be';

export interface ParsedXml {
  readonly doc: Document;
  /** The decoded document text (what the DOM was built from). */
  readonly text: string;
  /** The encoding the bytes were in. */
  readonly encoding: XmlEncoding;
  /** Counts seen by the pre-scan (for metrics/audit). */
  readonly stats: { readonly elements: number; readonly maxDepth: number; readonly nodes: number };
}
