import { realpathSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';

export type ResolvedLocation =
  | { readonly ok: true; readonly path: string; readonly real: string }
  | { readonly ok: false; readonly message: string };

/**
 * Resolves an import/include location against the importing file. Only relative references to
 * files inside the service directory are allowed: the gateway never fetches anything at run time
 * and never reads outside the directory it was pointed at (symbolic links included).
 */
export function resolveLocation(fromFile: string, location: string, realRoot: string): ResolvedLocation {
  const written = location.trim();
  if (written === '') return { ok: false, message: 'the location is empty; name a file inside the service directory' };
  if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(written) && !/^[A-Za-z]:[\\/]/.test(written)) {
    return {
      ok: false,
      message: `'${written}' is a URL; the gateway never fetches documents: copy the file into the service directory and refer to it by a relative path`,
    };
  }
  if (written.startsWith('/') || written.startsWith('\\') || /^[A-Za-z]:/.test(written)) {
    return { ok: false, message: `'${written}' is an absolute path; refer to the file by a path relative to the importing file` };
  }
  if (/[?#]/.test(written)) {
    return { ok: false, message: `'${written}' has a query or fragment; refer to a plain file by a relative path` };
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(written);
  } catch {
    return { ok: false, message: `'${written}' is not a valid URI reference (bad %-escape)` };
  }
  const path = resolve(dirname(fromFile), decoded);
  if (!isInside(realRoot, path)) {
    return { ok: false, message: `'${written}' points outside the service directory ${realRoot}; copy the file into it` };
  }
  let real: string;
  try {
    real = realpathSync(path);
  } catch {
    return { ok: false, message: `'${written}' does not exist (looked for ${path})` };
  }
  if (!isInside(realRoot, real)) {
    return { ok: false, message: `'${written}' is a link to ${real}, outside the service directory; copy the file into it` };
  }
  return { ok: true, path, real };
}

export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}
