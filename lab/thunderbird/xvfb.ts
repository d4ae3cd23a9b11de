import { type ChildProcess, spawn } from 'node:child_process';

export interface Display {
  display: string;
  /** Null when we reuse the user's own display. */
  process: ChildProcess | null;
  stop(): Promise<void>;
}

/**
 * The user's display when there is one (and `preferExisting`), else a new Xvfb on a free display
 * number chosen by Xvfb itself (`-displayfd`).
 */
export async function ensureDisplay({ preferExisting = false } = {}): Promise<Display> {
  if (preferExisting && process.env.DISPLAY) {
    return { display: process.env.DISPLAY, process: null, stop: async () => {} };
  }
  const child = spawn(
    'Xvfb',
    ['-displayfd', '3', '-screen', '0', '1680x1050x24', '-nolisten', 'tcp'],
    {
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    },
  );
  const number = await new Promise<string>((resolve, reject) => {
    let text = '';
    let stderr = '';
    const timer = setTimeout(() => reject(new Error(`Xvfb did not start: ${stderr}`)), 15_000);
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    (child.stdio[3] as NodeJS.ReadableStream).on('data', (d: Buffer) => {
      text += d.toString();
      if (text.includes('\n')) {
        clearTimeout(timer);
        resolve(text.trim());
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Xvfb exited (${code}): ${stderr}`));
    });
  });
  return {
    display: `:${number}`,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
