import { MssanteError, toMssanteError, type WireError } from '../../shared/errors/mssante-error';
import {
  type HostEvent,
  MESSAGES,
  type MessageType,
  type Params,
  type Result,
} from '../../shared/protocol/index';
import { HOST_NAME } from '../../shared/protocol/names';
import { HostConnection } from './connection';
import type { PortLike } from './host-client';
import { answerPageMessage, type PageMessage, STATE_PORT } from './page-messages';
import { onOwnPort, ownAddon } from './own-addon';
import type { UiState } from './ui-state';
import { startReceive } from './receive/index';
import { startCompose } from './compose/index';
import { startAnnuaire } from './annuaire';
import { syncAccounts, watchFirstRun } from './accounts';
import { accountName } from './account-name';
import { sessionUx } from './session-ux';
import { isSessionEndNotice } from './session-badge';

const locale = browser.i18n.getUILanguage().toLowerCase().startsWith('en') ? 'en' : 'fr';

let ui: UiState;

const connection = new HostConnection({
  connectNative: () => browser.runtime.connectNative(HOST_NAME) as unknown as PortLike,
  timers: {
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  },
  now: () => Date.now(),
  newId: () => crypto.randomUUID(),
  client: { name: 'open-mssante-extension', version: browser.runtime.getManifest().version },
  locale,
  onEvent: (event) => onHostEvent(event),
});
ui = { host: connection.state, psc: null, ciba: null, notice: null };
// ECO.3.1.4: address book provider, compose menu entry, import progress (first turn: MV3).
const annuaire = startAnnuaire(request);
watchFirstRun();
const reflectSession = sessionUx({
  signIn: () => pscLogin({ kind: 'pscLogin', method: 'browser' }),
});

// Pages (popup, setup, compose helpers) follow the state through a port.
const statePorts = new Set<browser.runtime.Port>();
function publish(change: Partial<UiState>): void {
  ui = { ...ui, ...change };
  reflectSession(ui);
  for (const port of statePorts) port.postMessage(ui);
}
onOwnPort(STATE_PORT, 'page', (port) => {
  statePorts.add(port);
  port.onDisconnect.addListener(() => statePorts.delete(port));
  port.postMessage(ui);
});

connection.onChange((host) => {
  publish({ host, ...(host.status === 'connected' ? {} : { psc: null }) });
  if (host.status !== 'connected') return;
  void request('psc.status', {}).then(
    (psc) => publish({ psc }),
    () => undefined,
  );
  void syncAccounts(request, (m) => accountName(m, ui.psc)).catch((error: unknown) =>
    notify(toMssanteError(error).toWire(locale)),
  );
});

function notify(error: WireError): void {
  publish({ notice: { ...error, at: Date.now() }, ciba: null });
  void browser.notifications.create(`mssante-${Date.now()}`, {
    type: 'basic',
    title: browser.i18n.getMessage('extensionName'),
    message: `${error.message} (${error.code})`,
    iconUrl: browser.runtime.getURL('icons/mssante.svg'),
  });
}

function onHostEvent(event: HostEvent): void {
  switch (event.event) {
    case 'psc':
      publish({
        psc: event.data,
        ...(event.data.state === 'signed-in' ? { ciba: null, notice: null } : {}),
      });
      return;
    case 'notice': {
      const notice = MssanteError.fromWire(event.data).toWire(locale);
      // The end of the session has one notification, session-ux.ts's (sign in in one click).
      if (isSessionEndNotice(ui.psc, notice.code))
        publish({ notice: { ...notice, at: Date.now() }, ciba: null });
      else notify(notice);
      return;
    }
    case 'annuaire-progress':
      annuaire.onProgress(event.data);
      return;
  }
}

function request<T extends MessageType>(type: T, params: Params<T>): Promise<Result<T>> {
  return connection.ready.request(type, params);
}

/**
 * Starts a PSC sign-in; one that cannot start (the intermediate LPS server or PSC unreachable, a
 * refused national id…) is told in the popup's notice, in words with its code, not only to the
 * page that asked.
 */
async function pscLogin(message: Extract<PageMessage, { kind: 'pscLogin' }>): Promise<unknown> {
  try {
    return await startPscLogin(message);
  } catch (error) {
    publish({ notice: { ...toMssanteError(error).toWire(locale), at: Date.now() }, ciba: null });
    throw error;
  }
}

async function startPscLogin(
  message: Extract<PageMessage, { kind: 'pscLogin' }>,
): Promise<unknown> {
  if (message.method === 'browser') {
    const { url } = await request('psc.login', { method: 'browser' });
    if (url) await browser.tabs.create({ url });
    return { url };
  }
  const started = await request('psc.login', {
    method: 'ciba',
    nationalId: message.nationalId ?? '',
  });
  publish({
    ciba: {
      bindingMessage: started.bindingMessage ?? '',
      until: Date.now() + (started.expiresIn ?? 120) * 1000,
    },
  });
  return started;
}

async function handle(message: PageMessage): Promise<unknown> {
  switch (message.kind) {
    case 'getState':
      return ui;
    case 'reconnect':
      connection.reconnectNow();
      return ui;
    case 'pscLogin':
      return pscLogin(message);
    case 'pscLogout':
      return request('psc.logout', {}).then((psc) => (publish({ psc }), psc));
    case 'host': {
      const type = message.type as MessageType;
      const checked = MESSAGES[type].params.safeParse(message.params);
      if (!checked.success) throw new MssanteError('E_PROTOCOL_INVALID');
      return request(type, checked.data as never);
    }
  }
}

// Issue 19.10: only the add-on's own pages are answered (not the banner script, nor anyone else).
browser.runtime.onMessage.addListener((raw: unknown, sender: browser.runtime.MessageSender) =>
  answerPageMessage(raw, sender, ownAddon(), handle, locale),
);

startReceive(); // issue 9: tags, display subjects, banner, receipts, delivery reports
startCompose({
  locale,
  mailboxes: () => request('mailbox.list', {}).then((r) => r.mailboxes),
  psc: () => ui.psc,
  notify: (title, message) =>
    void browser.notifications.create(`mssante-compose-${Date.now()}`, {
      type: 'basic',
      title,
      message,
      iconUrl: browser.runtime.getURL('icons/mssante.svg'),
    }),
}); // issue 8: XDM subject and headers, patients, receipts, compose panel
connection.start();
