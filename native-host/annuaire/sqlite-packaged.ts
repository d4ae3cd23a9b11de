import path from 'node:path';
import Sqlite from 'better-sqlite3';
import { MssanteError } from '../../shared/errors/mssante-error';

/**
 * better-sqlite3 for the packaged host. The single executable (scripts/dist.mjs) bundles every
 * `better-sqlite3` import to this module: an executable cannot carry a native addon inside, so
 * the addon is the file shipped beside it, loaded with `process.dlopen`. A package without that
 * file (Windows, macOS: docs/release.md) answers the offline Annuaire with a coded error.
 */
const ADDON_FILE = 'better_sqlite3.node';

let addon: object | undefined;

function nativeBinding(): object {
  if (addon) return addon;
  const file = path.join(path.dirname(process.execPath), ADDON_FILE);
  const module = { exports: {} };
  try {
    process.dlopen(module, file);
  } catch (cause) {
    throw new MssanteError('E_ANNUAIRE_OFFLINE_UNAVAILABLE', { detail: file, cause });
  }
  addon = module.exports;
  return addon;
}

// better-sqlite3 takes the addon object too; its types only say string.
function PackagedDatabase(filename: string, options: Sqlite.Options = {}): Sqlite.Database {
  return new Sqlite(filename, { ...options, nativeBinding: nativeBinding() as unknown as string });
}

export default PackagedDatabase as unknown as typeof Sqlite;
