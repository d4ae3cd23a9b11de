import type { Locale } from '../../../shared/errors/codes';
import { toMssanteError } from '../../../shared/errors/mssante-error';
import type { Result } from '../../../shared/protocol/index';
import { removeMailbox, SETUP_PAGE } from '../../background/accounts';
import type { UiState } from '../../background/ui-state';
import { hostRequest } from '../lib/host-request';
import { t } from '../lib/i18n';
import { mailboxState } from './mailbox-state';

type Mailbox = Result<'mailbox.list'>['mailboxes'][number];

const STATE_LABEL = {
  connected: 'setupMailboxConnected',
  'needs-psc': 'setupMailboxNeedsPsc',
  error: 'setupMailboxError',
} as const;

/**
 * The popup's list of MSSanté mailboxes (ECO.3.2.3), each with its own state (ECO.1.2.3):
 * connected, waiting for the PSC session, or its last failure in words; which ones depend on the
 * PSC session; "Supprimer la boîte" (two clicks) and "Ajouter une boîte MSSanté".
 */
export function mailboxList(locale: Locale): (ui: UiState) => void {
  const $ = (id: string) => document.getElementById(id) as HTMLElement;
  let mailboxes: Mailbox[] | null = null;
  let ui: UiState | null = null;
  let loading = false;
  let lastLoad = 0;
  const armed = new Set<string>();
  let shown = '';

  const load = async () => {
    if (loading || ui?.host.status !== 'connected') return;
    loading = true;
    try {
      mailboxes = (await hostRequest('mailbox.list', {})).mailboxes;
    } catch {
      mailboxes = null;
    } finally {
      loading = false;
      lastLoad = Date.now();
    }
    if (ui) render(ui);
  };

  const line = (m: Mailbox, state: ReturnType<typeof mailboxState>): HTMLLIElement => {
    const li = document.createElement('li');
    li.dataset.address = m.address;
    li.dataset.state = state.state;
    li.dataset.profile = m.profile;
    const name = document.createElement('span');
    name.className = 'mailbox-address';
    name.textContent = `${m.address} (${m.profile})`;
    const text = document.createElement('span');
    text.className = 'mailbox-state';
    text.textContent =
      state.state === 'error'
        ? `${t(STATE_LABEL.error)} : ${state.message} [${state.code}]`
        : t(STATE_LABEL[state.state]);
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.className = 'mailbox-remove';
    remove.textContent = armed.has(m.address)
      ? t('setupMailboxRemoveConfirm')
      : t('setupMailboxRemove');
    remove.addEventListener('click', () => {
      if (!armed.has(m.address)) {
        armed.add(m.address);
        remove.textContent = t('setupMailboxRemoveConfirm');
        return;
      }
      armed.delete(m.address);
      remove.disabled = true;
      removeMailbox(m.address, hostRequest).then(
        () => void load(),
        (error: unknown) => {
          text.textContent = toMssanteError(error).message;
          remove.disabled = false;
        },
      );
    });
    li.append(name, ' — ', text, ' ', remove);
    return li;
  };

  const render = (state: UiState) => {
    ui = state;
    const connected = state.host.status === 'connected';
    $('mailboxes').hidden = !connected;
    if (!connected) return;
    if (Date.now() - lastLoad > 2000) void load();
    // Rebuilt only when something shown changed: the list is rendered every second, and a
    // rebuilt button would take the keyboard focus away from the user.
    const list = $('mailbox-list');
    const states = (mailboxes ?? []).map((m) => [m, mailboxState(m, state.psc, locale)] as const);
    const key = JSON.stringify(states);
    if (key !== shown) {
      shown = key;
      list.replaceChildren(...states.map(([m, s]) => line(m, s)));
    }
    $('mailboxes-none').hidden = !mailboxes || mailboxes.length > 0;
    const dependent = (mailboxes ?? []).filter((m) => m.dependsOnPsc).map((m) => m.address);
    $('psc-mailboxes').textContent = dependent.length ? dependent.join(', ') : t('unknownValue');
  };

  $('open-setup').addEventListener('click', () => {
    void browser.tabs.create({ url: browser.runtime.getURL(SETUP_PAGE) });
  });
  return render;
}
