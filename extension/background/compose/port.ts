import type { ComposeIdentity, ComposePlan } from '../../../shared/domain/mail/compose';
import type { KnownPatient } from '../../../shared/domain/mail/compose-patients';

/** Port the compose panel (ui/compose-panel) talks through. */
export const COMPOSE_PORT = 'compose-panel';

export interface Toggles {
  dsn: boolean;
  mdn: boolean;
  fin: boolean;
}

/** What the panel shows (and the e2e reads). */
export interface PanelView {
  readonly mssante: boolean;
  readonly identity?: ComposeIdentity & {
    readonly labelProblems: string[];
    readonly labelFix?: string;
  };
  readonly plan?: ComposePlan;
  readonly toggles?: Toggles;
  readonly problems: ReadonlyArray<{ code: string; blocking: boolean; text: string }>;
  readonly patients: ReadonlyArray<KnownPatient & { address?: string }>;
  readonly refused?: string[];
}
