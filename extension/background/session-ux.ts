import type { UiState } from './ui-state';
import { endedByPsc, sessionBadge } from './session-badge';

/** The notification shown when the PSC session ends; clicking it opens the sign-in. */
export const SESSION_ENDED_NOTIFICATION = 'mssante-psc-session-ended';

/**
 * The PSC session as the toolbar and the notifications show it (issue 10 part 3): the icon and
 * badge of the add-on's button follow the state (ON signed in, OFF signed out, FIN ended by PSC, ! no
 * host), and when PSC ends a session that was signed in, a notification offers the sign-in in one click
 * (PSC's page in a Thunderbird tab). Returns what the background calls on every state change.
 */
export function sessionUx(deps: { signIn: () => Promise<unknown> }): (ui: UiState) => void {
  let previous: string | null = null;
  let shown = '';
  browser.notifications.onClicked.addListener((id) => {
    if (id !== SESSION_ENDED_NOTIFICATION) return;
    void browser.notifications.clear(id);
    void deps.signIn();
  });
  return (ui) => {
    const badge = sessionBadge(ui.psc, ui.host.status === 'connected');
    const key = `${badge.text}|${badge.color}|${badge.title}|${badge.icon}`;
    if (key !== shown) {
      shown = key;
      void browser.action.setIcon({ path: badge.icon });
      void browser.action.setBadgeText({ text: badge.text });
      void browser.action.setBadgeBackgroundColor({ color: badge.color });
      void browser.action.setTitle({
        title: `${browser.i18n.getMessage('actionTitle')} — ${browser.i18n.getMessage(badge.title)}`,
      });
    }
    const state = ui.psc?.state ?? null;
    if (endedByPsc(ui.psc) && previous === 'signed-in') {
      void browser.notifications.create(SESSION_ENDED_NOTIFICATION, {
        type: 'basic',
        title: browser.i18n.getMessage('setupSessionEndedTitle'),
        message: browser.i18n.getMessage('setupSessionEndedClick'),
        iconUrl: browser.runtime.getURL('icons/mssante.svg'),
      });
    }
    if (state === 'signed-in') void browser.notifications.clear(SESSION_ENDED_NOTIFICATION);
    if (state !== null) previous = state;
  };
}
