import { type Logger } from '../log';

/** What every request handler may use. Grows with the host (PSC session, bridge…). */
export interface HostContext {
  log: Logger;
  startedAt: number;
  now: () => number;
  counters: { requestsServed: number; frameErrors: number };
}
