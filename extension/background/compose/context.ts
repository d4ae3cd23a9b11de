import type { Locale } from '../../../shared/errors/codes';
import type { Result } from '../../../shared/protocol/index';
import type { Toggles } from '../../../shared/protocol/compose-panel/index';
import type { AttachmentReading } from './inspect';
import type { PanelPort } from './port';

/** What the compose side needs from the rest of the background (main.ts). */
export interface ComposeDeps {
  readonly locale: Locale;
  readonly mailboxes: () => Promise<Result<'mailbox.list'>['mailboxes']>;
  readonly psc: () => Result<'psc.status'> | null;
  readonly notify: (title: string, message: string) => void;
}

/** What the add-on keeps about one compose tab while it is open. */
export interface TabState {
  readonly readings: Map<number, { name: string; reading: Promise<AttachmentReading> }>;
  toggles?: Toggles;
  /** Problems of the last refused send, shown in the panel until the next check. */
  refused?: string[];
  /** What the message let go carries (issue 19.6): recorded once it is sent. */
  leaving?: { readonly recipients: readonly string[]; readonly accountId?: string };
}

/** The compose tabs the add-on follows, and the panels open on each. */
export class ComposeTabs {
  private readonly tabs = new Map<number, TabState>();
  private readonly panels = new Map<number, Set<PanelPort>>();
  /** PDF/A copies being generated (`tabId\npdfName`). */
  readonly generating = new Set<string>();

  state(tabId: number): TabState {
    let s = this.tabs.get(tabId);
    if (!s) this.tabs.set(tabId, (s = { readings: new Map() }));
    return s;
  }

  forget(tabId: number): void {
    this.tabs.delete(tabId);
  }

  addPanel(tabId: number, port: PanelPort): void {
    let set = this.panels.get(tabId);
    if (!set) this.panels.set(tabId, (set = new Set()));
    set.add(port);
  }

  removePanel(tabId: number, port: PanelPort): void {
    this.panels.get(tabId)?.delete(port);
  }

  panelsOf(tabId: number): ReadonlySet<PanelPort> {
    return this.panels.get(tabId) ?? new Set();
  }
}

export interface ComposeContext {
  readonly deps: ComposeDeps;
  readonly tabs: ComposeTabs;
}
