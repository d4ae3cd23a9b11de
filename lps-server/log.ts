import { appendFileSync } from 'node:fs';

/**
 * The server's operational log: one JSON line per event, with only the fields each call names
 * — a session id is cut to its first 6 characters, and no token, secret, code or assertion is
 * ever passed here (the same rule as the host's log, docs/native-host.md).
 */
export interface LpsLog {
  info(event: string, fields?: Record<string, string | number | boolean>): void;
  warn(event: string, fields?: Record<string, string | number | boolean>): void;
}

export function lpsLog(file?: string): LpsLog {
  const write = (level: string, event: string, fields: Record<string, unknown> = {}) => {
    const line = JSON.stringify({ t: new Date().toISOString(), level, event, ...fields }) + '\n';
    if (file) appendFileSync(file, line, { mode: 0o600 });
    else process.stderr.write(line);
  };
  return {
    info: (event, fields) => write('info', event, fields),
    warn: (event, fields) => write('warn', event, fields),
  };
}

/** A session id as the log shows it. */
export const shortId = (id: string): string => id.slice(0, 6);
