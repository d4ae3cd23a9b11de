import type { HostEvent } from '../../shared/protocol/index';
import type { HostApp } from '../service/host-app';
import type { Logger } from '../log';

/** What every request handler may use. */
export interface HostContext {
  log: Logger;
  startedAt: number;
  now: () => number;
  counters: { requestsServed: number; frameErrors: number };
  /** Pushes an event to the extension (set by the server). */
  notify?: (event: HostEvent) => void;
  /**
   * PSC session, bridges, journal: loaded on first use so the host answers `hello` before
   * parsing them (absent in framing-only unit tests).
   */
  app?: () => Promise<HostApp>;
}
