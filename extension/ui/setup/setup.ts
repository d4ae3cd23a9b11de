import { errorMessage, isErrorCode, type Locale } from '../../../shared/errors/codes';
import { MssanteError, toMssanteError } from '../../../shared/errors/mssante-error';
import type { Params, Result } from '../../../shared/protocol/index';
import { fromLabelFor } from '../../../shared/domain/mail/from-label';
import { createAccount } from '../../background/accounts';
import { STATE_PORT } from '../../background/page-messages';
import type { UiState } from '../../background/ui-state';
import { hostRequest } from '../lib/host-request';
import { localize, t } from '../lib/i18n';
import {
  base64Of,
  certificateFacts,
  endpointsForType,
  MAX_PKCS12_BYTES,
  manualEndpoints,
} from './setup-model';

/**
 * The setup page (ECO.1.1.9, issue 10 part 1): address → the host's autoconfig lookup (or the
 * manual form) → mailbox type → mailbox.add (the PKCS#12 read here and handed to the host) →
 * the Thunderbird account (experiment) with its From name (ECO.2.2.7) → mailbox.test → done.
 */

const $ = (id: string) => document.getElementById(id) as HTMLElement;
const input = (id: string) => document.getElementById(id) as HTMLInputElement;
const locale: Locale = browser.i18n.getUILanguage().toLowerCase().startsWith('en') ? 'en' : 'fr';

type Endpoints = Pick<Params<'mailbox.add'>, 'imap' | 'smtp'>;
type Profile = Params<'mailbox.add'>['profile'];

let ui: UiState | null = null;
let address = '';
let servers: Endpoints | null = null;
/** What autoconfig found (null: the manual form's servers): the servers depend on the type. */
let discovered: Result<'autoconfig.lookup'> | null = null;

/** The sentence for a code in the page's language (the host speaks French). */
function sentence(error: MssanteError): string {
  return isErrorCode(error.code) ? errorMessage(error.code, locale) : error.message;
}

function profile(): Profile {
  return (document.querySelector('input[name="profile"]:checked') as HTMLInputElement)
    .value as Profile;
}

function showRefusal(error: MssanteError): void {
  $('refused').hidden = false;
  $('refused-code').textContent = error.code;
  $('refused-text').textContent = sentence(error);
  const cert = certificateFacts(error.message);
  $('refused-certificate').hidden = !cert;
  $('refused-subject').textContent = cert?.subject ?? '';
  $('refused-issuer').textContent = cert?.issuer ?? '';
  $('refused-fingerprint').textContent = cert?.sha256 ?? '';
}

function showFound(found: Result<'autoconfig.lookup'>): void {
  $('found').hidden = false;
  for (const p of ['imap', 'smtp'] as const) {
    $(`found-${p}-host`).textContent = found[p].host;
    $(`found-${p}-port`).textContent = String(found[p].port);
    $(`found-${p}-security`).textContent = found[p].socketType;
  }
  $('found-url').textContent = found.url;
  $('found-certificate').textContent = found.server.certificate;
}

function useServers(endpoints: Endpoints): void {
  servers = endpoints;
  $('step-kind').hidden = false;
  renderKind();
}

/** The servers for the type picked now: autoconfig's choice for it, or the manual form's. */
function serversFor(p: Profile): Endpoints | { code: string; detail: string } | null {
  return discovered ? endpointsForType(discovered, p) : servers;
}

function renderKind(): void {
  const p = profile();
  const chosen = serversFor(p);
  if (discovered && chosen) {
    // The pair of the type picked; none for it: its code in place of the host (and at Create).
    for (const k of ['imap', 'smtp'] as const) {
      $(`found-${k}-host`).textContent = 'imap' in chosen ? chosen[k].host : chosen.code;
      $(`found-${k}-port`).textContent = 'imap' in chosen ? String(chosen[k].port) : '';
    }
  }
  const signedIn = ui?.psc?.state === 'signed-in';
  $('psc-needed').hidden = p === 'APP' || signedIn;
  $('entity-field').hidden = p === 'PER';
  $('app-fields').hidden = p !== 'APP';
  let label = '';
  try {
    label = fromLabelFor(p, ui?.psc?.identity, input('entity').value);
  } catch {
    label = '';
  }
  $('from-preview').textContent = label || t('setupFromMissing');
}

/**
 * A lookup under way: Enter pressed again meanwhile does not start a second one, and the address
 * cannot change under it (read-only until the answer), so what is shown and used next is always
 * the answer for the address in the field.
 */
let lookingUp = false;

async function lookup(event: Event): Promise<void> {
  event.preventDefault();
  if (lookingUp) return;
  lookingUp = true;
  address = input('address').value.trim();
  for (const id of ['found', 'refused', 'manual', 'step-kind', 'step-result']) $(id).hidden = true;
  servers = null;
  discovered = null;
  $('lookup-busy').hidden = false;
  $('lookup').setAttribute('aria-busy', 'true');
  input('address').readOnly = true;
  try {
    const found = await hostRequest('autoconfig.lookup', { address });
    showFound(found);
    discovered = found;
    useServers({
      imap: { host: found.imap.host, port: found.imap.port },
      smtp: { host: found.smtp.host, port: found.smtp.port },
    });
  } catch (error) {
    showRefusal(toMssanteError(error));
  } finally {
    $('lookup-busy').hidden = true;
    $('lookup').removeAttribute('aria-busy');
    input('address').readOnly = false;
    lookingUp = false;
  }
}

function manual(event: Event): void {
  event.preventDefault();
  const checked = manualEndpoints({
    imapHost: input('manual-imap-host').value,
    imapPort: input('manual-imap-port').value,
    smtpHost: input('manual-smtp-host').value,
    smtpPort: input('manual-smtp-port').value,
  });
  $('manual-wrong').hidden = !Array.isArray(checked);
  if (!Array.isArray(checked)) {
    discovered = null;
    useServers(checked);
  }
}

async function addParams(
  p: Profile,
  endpoints: Endpoints,
  displayName: string,
): Promise<Params<'mailbox.add'>> {
  // The host keeps the From name with the mailbox: an account made again is named the same.
  if (p !== 'APP') return { address, profile: p, ...endpoints, displayName };
  const file = input('p12').files?.[0];
  if (!file) throw new MssanteError('E_APP_PKCS12_INVALID', { detail: t('setupP12Missing') });
  if (file.size > MAX_PKCS12_BYTES)
    throw new MssanteError('E_APP_PKCS12_INVALID', { detail: `${file.size} bytes` });
  // Read here and handed to the host, which checks and seals it; nothing is kept by the page.
  const pkcs12 = base64Of(new Uint8Array(await file.arrayBuffer()));
  return {
    address,
    profile: 'APP',
    ...endpoints,
    displayName,
    pkcs12,
    pkcs12Password: input('p12-password').value,
  };
}

function showStep(id: 'test-imap' | 'test-smtp', step: Result<'mailbox.test'>['imap']): void {
  const el = $(id);
  el.dataset.ok = String(step.ok);
  const error = step.error && MssanteError.fromWire(step.error);
  el.textContent = step.ok
    ? t('setupTestOk')
    : `${error ? `${sentence(error)} [${error.code}]` : t('unknownValue')}`;
}

async function create(event: Event): Promise<void> {
  event.preventDefault();
  if (!servers) return;
  const p = profile();
  $('step-result').hidden = false;
  $('setup-error').hidden = true;
  $('done').hidden = true;
  $('done').dataset.done = '';
  for (const id of ['test-imap', 'test-smtp']) {
    $(id).textContent = '';
    $(id).dataset.ok = '';
  }
  try {
    const chosen = serversFor(p) ?? servers;
    if (!('imap' in chosen))
      throw new MssanteError(
        isErrorCode(chosen.code) ? chosen.code : 'E_AUTOCONFIG_NO_SERVER_FOR_TYPE',
        { detail: chosen.detail },
      );
    const fullName = fromLabelFor(p, ui?.psc?.identity, input('entity').value);
    $('progress').textContent = t('setupProgressHost');
    const mailbox = await hostRequest('mailbox.add', await addParams(p, chosen, fullName));
    input('p12').value = '';
    input('p12-password').value = '';
    $('progress').textContent = t('setupProgressAccount');
    // A mailbox added again gets a new local secret: its old account goes first.
    const existing = await browser.mssanteAccounts.find(address);
    if (existing) await browser.mssanteAccounts.remove(existing);
    await createAccount(mailbox, fullName);
    $('progress').textContent = t('setupProgressTest');
    const tested = await hostRequest('mailbox.test', { address });
    showStep('test-imap', tested.imap);
    showStep('test-smtp', tested.smtp);
    const ok = tested.imap.ok && tested.smtp.ok;
    $('progress').textContent = '';
    $('done').hidden = false;
    $('done').dataset.done = ok ? 'ok' : 'problem';
    $('done').textContent = ok ? t('setupDone', fullName) : t('setupDoneProblem');
  } catch (error) {
    const failure = toMssanteError(error);
    $('progress').textContent = '';
    $('setup-error').hidden = false;
    $('setup-error-code').textContent = failure.code;
    $('setup-error-text').textContent = sentence(failure);
  }
}

localize();
$('address-form').addEventListener('submit', (e) => void lookup(e));
$('manual-open').addEventListener('click', () => {
  $('manual').hidden = false;
  const domain = address.split('@')[1] ?? '';
  if (domain && !input('manual-imap-host').value)
    input('manual-imap-host').value = `imap.${domain}`;
  if (domain && !input('manual-smtp-host').value)
    input('manual-smtp-host').value = `smtp.${domain}`;
});
$('manual-form').addEventListener('submit', manual);
$('kind-form').addEventListener('change', renderKind);
$('kind-form').addEventListener('input', renderKind);
$('kind-form').addEventListener('submit', (e) => void create(e));
$('psc-login').addEventListener(
  'click',
  () => void browser.runtime.sendMessage({ kind: 'pscLogin', method: 'browser' }),
);
const params = new URLSearchParams(location.search);
if (params.get('address')) input('address').value = params.get('address') ?? '';
const port = browser.runtime.connect({ name: STATE_PORT });
port.onMessage.addListener((state) => {
  ui = state as UiState;
  if (servers) renderKind();
});
