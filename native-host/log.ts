import { mkdirSync, openSync, writeSync, closeSync } from 'node:fs';
import path from 'node:path';

/**
 * Host log: one JSON object per line in <state>/logs/host.log. Only what the caller passes as
 * fields is written, and callers pass events, ids, sizes and error codes — never payloads,
 * tokens or health data. Field values are cut to 200 characters as a second line of defence.
 */
export type LogFields = Record<string, string | number | boolean | null | undefined>;

export interface Logger {
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
  close(): void;
}

export function fileLogger(dir: string, clock: () => Date = () => new Date()): Logger {
  let fd: number | null = null;
  try {
    mkdirSync(path.join(dir, 'logs'), { recursive: true, mode: 0o700 });
    fd = openSync(path.join(dir, 'logs', 'host.log'), 'a', 0o600);
  } catch {
    fd = null; // A host that cannot log still serves; stderr says why once.
    process.stderr.write(`open-mssante-host: cannot open log file in ${dir}\n`);
  }
  const write = (level: string, event: string, fields: LogFields = {}) => {
    if (fd === null) return;
    const safe: LogFields = {};
    for (const [key, value] of Object.entries(fields)) {
      safe[key] = typeof value === 'string' ? value.slice(0, 200) : value;
    }
    try {
      writeSync(fd, JSON.stringify({ t: clock().toISOString(), level, event, ...safe }) + '\n');
    } catch {
      // A full disk loses log lines, never the host (the journal fails closed on its own).
    }
  };
  return {
    info: (event, fields) => write('info', event, fields),
    warn: (event, fields) => write('warn', event, fields),
    error: (event, fields) => write('error', event, fields),
    close: () => {
      if (fd !== null) closeSync(fd);
      fd = null;
    },
  };
}
