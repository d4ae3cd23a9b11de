import os from 'node:os';
import path from 'node:path';

/**
 * Where the host keeps its state (logs, launcher, later the CRL cache and audit journal):
 * $MSSANTE_STATE_DIR, else $XDG_STATE_HOME/mssante, else ~/.local/state/mssante.
 */
export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.MSSANTE_STATE_DIR) return path.resolve(env.MSSANTE_STATE_DIR);
  const base = env.XDG_STATE_HOME || path.join(env.HOME || os.homedir(), '.local', 'state');
  return path.join(base, 'mssante');
}
