import os from 'node:os';

export function defaultHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.HOME || os.homedir();
}
