import path from 'node:path';

/** The sandbox's one state directory: $MSSANTE_SANDBOX_DIR, else <project>/.state/sandbox. */
export function sandboxDir(projectRoot: string, env: NodeJS.ProcessEnv = process.env): string {
  return env.MSSANTE_SANDBOX_DIR
    ? path.resolve(env.MSSANTE_SANDBOX_DIR)
    : path.join(projectRoot, '.state', 'sandbox');
}

export const RUNTIME_FILE = 'runtime.json';
export const PORTS_FILE = 'ports.json';
export const DAEMON_LOG = 'daemon.log';
