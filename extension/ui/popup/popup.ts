import type { HostState } from '../../background/connection';
import { STATE_PORT } from '../../background/page-messages';
import { localize, t } from '../lib/i18n';

const $ = (id: string) => document.getElementById(id) as HTMLElement;

const STATUS_LABEL = {
  connecting: 'stateConnecting',
  connected: 'stateConnected',
  disconnected: 'stateDisconnected',
} as const;

let retryTicker: ReturnType<typeof setInterval> | undefined;

function render(state: HostState): void {
  const stateEl = $('state');
  stateEl.dataset.status = state.status;
  stateEl.textContent = t(STATUS_LABEL[state.status]);
  $('host-version').textContent = state.host
    ? `${state.host.name} ${state.host.version}`
    : t('unknownValue');
  $('protocol-version').textContent = state.protocol
    ? String(state.protocol.version)
    : t('unknownValue');
  const problem = $('problem');
  problem.hidden = state.status !== 'disconnected';
  $('reason-code').textContent = state.reason?.code ?? '';
  $('reason').textContent = state.reason?.message ?? '';
  clearInterval(retryTicker);
  const showRetry = () => {
    const seconds = state.retryAt ? Math.max(0, Math.ceil((state.retryAt - Date.now()) / 1000)) : 0;
    $('retry').textContent =
      state.status === 'disconnected' && seconds > 0 ? t('labelRetry', String(seconds)) : '';
  };
  showRetry();
  if (state.status === 'disconnected') retryTicker = setInterval(showRetry, 1000);
}

localize();
$('addon-version').textContent = browser.runtime.getManifest().version;
$('reconnect').addEventListener('click', () => {
  void browser.runtime.sendMessage({ kind: 'reconnect' });
});
const port = browser.runtime.connect({ name: STATE_PORT });
port.onMessage.addListener((state) => render(state as HostState));
