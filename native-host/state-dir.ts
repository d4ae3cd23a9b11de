import os from 'node:os';
import path from 'node:path';
import { type Platform, defaultStateDir } from './install/platforms';

/**
 * Where the host keeps its state (logs, launcher, CRL cache, audit journal): $MSSANTE_STATE_DIR,
 * else the platform's place for it (defaultStateDir: $XDG_STATE_HOME/mssante or
 * ~/.local/state/mssante on Linux, ~/Library/Application Support/mssante on macOS,
 * %LOCALAPPDATA%\mssante on Windows).
 */
export function stateDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: Platform = process.platform === 'win32' || process.platform === 'darwin'
    ? process.platform
    : 'linux',
): string {
  if (env.MSSANTE_STATE_DIR) return path.resolve(env.MSSANTE_STATE_DIR);
  return defaultStateDir(platform, env, env.HOME || os.homedir());
}
