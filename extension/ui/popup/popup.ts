import { isNationalId } from '../../../shared/domain/identity/national-id';
import { displayTitle } from '../../../shared/domain/mail/from-label';
import type { HostState } from '../../background/connection';
import { STATE_PORT } from '../../background/page-messages';
import type { UiState } from '../../background/ui-state';
import { localize, t } from '../lib/i18n';
import { configProblemText } from './mailbox-state';
import { mailboxList } from './mailboxes';
import { openAnnuaireDialog } from '../../background/annuaire';

const $ = (id: string) => document.getElementById(id) as HTMLElement;

const STATUS_LABEL = {
  connecting: 'stateConnecting',
  connected: 'stateConnected',
  disconnected: 'stateDisconnected',
} as const;

const PSC_LABEL = {
  'signed-out': 'pscSignedOut',
  'signing-in': 'pscSigningIn',
  'signed-in': 'pscSignedIn',
  ended: 'pscEnded',
} as const;

let current: UiState | null = null;
const LOCALE = browser.i18n.getUILanguage().toLowerCase().startsWith('en') ? 'en' : 'fr';
const renderMailboxes = mailboxList(LOCALE);

function left(until: number | undefined): string {
  if (!until) return t('unknownValue');
  const seconds = Math.max(0, Math.round((until - Date.now()) / 1000));
  return t('minutesSeconds', [String(Math.floor(seconds / 60)), String(seconds % 60)]);
}

function renderHost(state: HostState): void {
  const stateEl = $('state');
  stateEl.dataset.status = state.status;
  stateEl.textContent = t(STATUS_LABEL[state.status]);
  $('host-version').textContent = state.host
    ? `${state.host.name} ${state.host.version}`
    : t('unknownValue');
  $('protocol-version').textContent = state.protocol
    ? String(state.protocol.version)
    : t('unknownValue');
  $('problem').hidden = state.status !== 'disconnected';
  $('reason-code').textContent = state.reason?.code ?? '';
  $('reason').textContent = state.reason?.message ?? '';
  const seconds = state.retryAt ? Math.max(0, Math.ceil((state.retryAt - Date.now()) / 1000)) : 0;
  $('retry').textContent =
    state.status === 'disconnected' && seconds > 0 ? t('labelRetry', String(seconds)) : '';
}

function renderPsc(ui: UiState): void {
  const psc = ui.psc;
  $('psc').hidden = ui.host.status !== 'connected' || !psc;
  if (!psc) return;
  const state = $('psc-state');
  state.dataset.state = psc.configured ? psc.state : 'not-configured';
  state.textContent = psc.configured
    ? t(PSC_LABEL[psc.state])
    : psc.configError
      ? configProblemText(psc.configError, LOCALE)
      : t('pscNotConfigured');
  const who = psc.identity;
  $('psc-who').textContent = who
    ? `${who.civility ? `${displayTitle(who.civility)} ` : ''}${who.givenName} ${who.familyName} (${who.nationalId})`
    : t('unknownValue');
  const signedIn = psc.state === 'signed-in';
  $('psc-idle').textContent = signedIn ? left(psc.idleExpiresAt) : t('unknownValue');
  $('psc-absolute').textContent = signedIn ? left(psc.absoluteExpiresAt) : t('unknownValue');
  $('psc-signed-out').hidden = !psc.configured || signedIn || psc.state === 'signing-in';
  $('psc-logout').hidden = !signedIn;
  // Waiting for the e-CPS approval: the code to compare, announced once, and the time left.
  const ciba = $('psc-ciba');
  ciba.hidden = !ui.ciba;
  $('psc-ciba-box').hidden = !ui.ciba;
  const waiting = ui.ciba ? t('pscCibaWaiting', ui.ciba.bindingMessage) : '';
  if (ciba.textContent !== waiting) ciba.textContent = waiting;
  $('psc-ciba-left').textContent = ui.ciba ? t('pscCibaTimeLeft', left(ui.ciba.until)) : '';
  const notice = $('psc-notice');
  notice.hidden = !ui.notice;
  $('psc-notice-code').textContent = ui.notice?.code ?? '';
  $('psc-notice-text').textContent = ui.notice?.message ?? '';
}

function render(ui: UiState): void {
  current = ui;
  renderHost(ui.host);
  renderPsc(ui);
  renderMailboxes(ui);
}

localize();
$('addon-version').textContent = browser.runtime.getManifest().version;
$('reconnect').addEventListener(
  'click',
  () => void browser.runtime.sendMessage({ kind: 'reconnect' }),
);
$('psc-login').addEventListener(
  'click',
  () => void browser.runtime.sendMessage({ kind: 'pscLogin', method: 'browser' }),
);
$('psc-logout').addEventListener(
  'click',
  () => void browser.runtime.sendMessage({ kind: 'pscLogout' }),
);
// PSC's national id forms (shared/domain/identity/national-id.ts), checked as the user types.
$('psc-national-id').addEventListener('input', (event) => {
  const input = event.target as HTMLInputElement;
  const value = input.value.trim();
  input.setCustomValidity(!value || isNationalId(value) ? '' : t('nationalIdInvalid'));
});
$('psc-ciba-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const nationalId = ($('psc-national-id') as HTMLInputElement).value.trim();
  if (!isNationalId(nationalId)) return;
  void browser.runtime.sendMessage({ kind: 'pscLogin', method: 'ciba', nationalId });
});
// ECO.4.1.1: the audit journal viewer opens in a Thunderbird tab.
$('open-journal').addEventListener('click', () => {
  void browser.tabs.create({ url: browser.runtime.getURL('ui/journal/journal.html') });
});
// The last conformance report (issue 12), in a tab.
$('open-conformance').addEventListener('click', () => {
  void browser.tabs.create({ url: browser.runtime.getURL('ui/conformance/conformance.html') });
});
// ECO.3.1.4: the Annuaire Santé search dialog, adding to the last compose window used.
$('open-annuaire').addEventListener('click', () => void openAnnuaireDialog());
const port = browser.runtime.connect({ name: STATE_PORT });
port.onMessage.addListener((ui) => render(ui as UiState));
// Counters (retry, idle and session time left) tick every second.
setInterval(() => current && render(current), 1000);
