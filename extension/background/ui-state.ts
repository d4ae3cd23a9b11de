import type { WireError } from '../../shared/errors/mssante-error';
import type { Result } from '../../shared/protocol/index';
import type { HostState } from './connection';

/** Everything the add-on's pages show, pushed to them on every change. */
export interface UiState {
  host: HostState;
  psc: Result<'psc.status'> | null;
  /** A sign-in in progress with CIBA: the code the e-CPS app shows. */
  ciba: { bindingMessage: string; until: number } | null;
  /** The last thing the user must be told (sign-in failed, session ended…). */
  notice: (WireError & { at: number }) | null;
}
