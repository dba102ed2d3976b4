import { resolve } from 'node:path';
import { ConfigError } from '../config/problems.ts';
import { loadDocuments } from './documents.ts';
import { buildModel } from './model.ts';
import { ProblemList } from './problem-list.ts';
import type { WsdlModel } from './types.ts';

/**
 * Loads a service's WSDL set from its directory and builds the operation model.
 * Throws ConfigError listing every problem found (file, location, line, what to fix).
 */
export function loadWsdl(mainPath: string, opts: { readonly root: string }): WsdlModel {
  const problems = new ProblemList();
  const documents = loadDocuments(mainPath, opts.root, problems);
  if (documents === undefined) throw new ConfigError(problems.list);
  const main = documents[0];
  const model = buildModel(main?.path ?? resolve(mainPath), documents, problems);
  if (problems.size > 0) throw new ConfigError(problems.list);
  return model;
}
