import { MssanteError, toMssanteError } from '../../shared/errors/mssante-error';
import { MESSAGES, type MessageType } from '../../shared/protocol/index';
import { HOST_NAME } from '../../shared/protocol/names';
import { HostConnection, type HostState } from './connection';
import type { PortLike } from './host-client';
import { pageMessage, STATE_PORT } from './page-messages';

const locale = browser.i18n.getUILanguage().toLowerCase().startsWith('en') ? 'en' : 'fr';

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
});

// Pages (popup, later setup and compose helpers) follow the state through a port.
const statePorts = new Set<browser.runtime.Port>();
connection.onChange((state: HostState) => {
  for (const port of statePorts) port.postMessage(state);
});
browser.runtime.onConnect.addListener((port) => {
  if (port.name !== STATE_PORT) return;
  statePorts.add(port);
  port.onDisconnect.addListener(() => statePorts.delete(port));
  port.postMessage(connection.state);
});

browser.runtime.onMessage.addListener((raw: unknown) => {
  const parsed = pageMessage.safeParse(raw);
  if (!parsed.success)
    return Promise.resolve({
      ok: false,
      error: new MssanteError('E_PROTOCOL_INVALID').toWire(locale),
    });
  const message = parsed.data;
  switch (message.kind) {
    case 'getState':
      return Promise.resolve({ ok: true, result: connection.state });
    case 'reconnect':
      connection.reconnectNow();
      return Promise.resolve({ ok: true, result: connection.state });
    case 'host':
      return forward(message.type as MessageType, message.params);
  }
});

async function forward(type: MessageType, params: unknown) {
  const checked = MESSAGES[type].params.safeParse(params);
  if (!checked.success)
    return { ok: false, error: new MssanteError('E_PROTOCOL_INVALID').toWire(locale) };
  try {
    const result = await connection.ready.request(type, checked.data as never);
    return { ok: true, result };
  } catch (error) {
    return { ok: false, error: toMssanteError(error).toWire(locale) };
  }
}

connection.start();
