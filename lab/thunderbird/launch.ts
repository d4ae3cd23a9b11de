import { type ChildProcess, spawn } from 'node:child_process';
import { openSync } from 'node:fs';

export interface LaunchOptions {
  profile: string;
  display: string;
  /** HOME for Thunderbird: where it reads ~/.mozilla/native-messaging-hosts/. */
  home: string;
  logFile: string;
  marionette?: boolean;
  env?: Record<string, string>;
}

export interface RunningThunderbird {
  child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * The Thunderbird to run: $MSSANTE_THUNDERBIRD (another ESR unpacked beside the installed one,
 * lab/thunderbird/esr.ts), else Debian's `thunderbird` on the PATH.
 */
export function thunderbirdCommand(env: NodeJS.ProcessEnv = process.env): string {
  return env.MSSANTE_THUNDERBIRD || 'thunderbird';
}

/**
 * Starts Debian's `thunderbird` on a profile. It runs in its own process group so that stopping
 * it also stops its content processes and the native host it spawned.
 */
export function launchThunderbird(options: LaunchOptions): RunningThunderbird {
  const out = openSync(options.logFile, 'a');
  const args = ['--no-remote', '-profile', options.profile];
  if (options.marionette) args.push('--marionette', '-remote-allow-system-access');
  const child = spawn(thunderbirdCommand(), args, {
    detached: true,
    stdio: ['ignore', out, out],
    env: {
      ...process.env,
      HOME: options.home,
      DISPLAY: options.display,
      MOZ_CRASHREPORTER_DISABLE: '1',
      ...options.env,
    },
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const kill = (signal: NodeJS.Signals) => {
        try {
          process.kill(-child.pid!, signal);
        } catch {
          // Already gone.
        }
      };
      const hard = setTimeout(() => kill('SIGKILL'), 10_000);
      child.once('exit', () => {
        clearTimeout(hard);
        kill('SIGKILL'); // leftover content processes or host in the group
        resolve();
      });
      kill('SIGTERM');
    });
  return { child, stop };
}
