import path from 'node:path';
import { MssanteError, toMssanteError } from '../../../shared/errors/mssante-error';

/**
 * Why the host at `stateDir` cannot serve mailboxes, or null when its config.json is there and
 * valid: E_CONFIG_MISSING naming the file (an installed host nobody configured: no sandbox or
 * test fallback), or the loader's own error (E_CONFIG_INVALID naming the field, E_CONFIG_READABLE…).
 */
export async function configurationProblem(stateDir: string): Promise<MssanteError | null> {
  try {
    const { readHostConfig } = await import('../../config/load');
    return readHostConfig(stateDir)
      ? null
      : new MssanteError('E_CONFIG_MISSING', { detail: path.join(stateDir, 'config.json') });
  } catch (error) {
    return toMssanteError(error);
  }
}
