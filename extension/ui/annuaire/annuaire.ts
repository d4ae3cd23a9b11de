import { toMssanteError } from '../../../shared/errors/mssante-error';
import type { HostEvent, Params, Result } from '../../../shared/protocol/index';
import { ANNUAIRE_PROGRESS_PORT } from '../../background/annuaire';
import { displayName, recipient, type AnnuaireWireEntry } from '../../background/annuaire-contacts';
import { hostRequest } from '../lib/host-request';
import { localize, t } from '../lib/i18n';
import { addRecipient, boundComposeTab, type Field } from './compose-target';

/**
 * The Annuaire Santé search dialog (ECO.3.1.4): multi-criteria search through the host (LDAP or
 * the offline index), a result table with "To" / "Cc" buttons that add the entry to the compose
 * window, the 100-entry cap said in words, and the import of the public extraction file into the
 * offline index with its progress.
 */
type Progress = Extract<HostEvent, { event: 'annuaire-progress' }>['data'];
type Criteria = Params<'annuaire.search'>['criteria'];

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const composeTab = boundComposeTab(location.search);
const number = new Intl.NumberFormat(browser.i18n.getUILanguage());
const when = new Intl.DateTimeFormat(browser.i18n.getUILanguage(), {
  dateStyle: 'long',
  timeStyle: 'short',
});
let importId: string | null = null;

function showError(error: unknown): void {
  const wire = toMssanteError(error).toWire();
  $('error').hidden = false;
  $('error-code').textContent = wire.code;
  $('error-text').textContent = wire.message;
}

function clearError(): void {
  $('error').hidden = true;
}

function criteria(): Criteria {
  const form = new FormData($<HTMLFormElement>('criteria'));
  const out: Record<string, string> = {};
  for (const [key, value] of form) {
    const text = String(value).trim();
    if (text) out[key] = text;
  }
  return out as Criteria;
}

function addButton(entry: AnnuaireWireEntry, field: Field): HTMLButtonElement {
  const button = document.createElement('button');
  button.type = 'button';
  button.dataset.field = field;
  button.dataset.mail = entry.mail;
  button.textContent = t(field === 'to' ? 'annuaireAddTo' : 'annuaireAddCc');
  button.addEventListener('click', () => {
    clearError();
    addRecipient(recipient(entry), field, composeTab).then(() => {
      $('added').textContent = t(field === 'to' ? 'annuaireAddedTo' : 'annuaireAddedCc', [
        entry.mail,
      ]);
    }, showError);
  });
  return button;
}

function render(result: Result<'annuaire.search'>): void {
  const body = $<HTMLTableElement>('results').tBodies[0]!;
  body.replaceChildren();
  for (const e of result.entries) {
    const tr = body.insertRow();
    tr.dataset.mail = e.mail;
    const cell = (text: string, className = '') => {
      const td = tr.insertCell();
      td.textContent = text;
      if (className) td.className = className;
      return td;
    };
    cell([e.civility, displayName(e)].filter(Boolean).join(' '), 'name');
    cell([e.profession, e.speciality].filter(Boolean).join(' — '));
    cell([e.organisation, e.service].filter(Boolean).join(' — '));
    cell([e.postalCode, e.city].filter(Boolean).join(' '));
    cell(e.mailboxType);
    cell(e.mail, 'mail');
    cell('', 'add').append(addButton(e, 'to'), ' ', addButton(e, 'cc'));
  }
  $('results').hidden = result.entries.length === 0;
  delete $('summary').dataset.sign;
  $('summary').textContent =
    result.entries.length === 0
      ? t('annuaireNone')
      : t(result.source === 'offline' ? 'annuaireFoundOffline' : 'annuaireFound', [
          String(result.entries.length),
        ]);
  $('truncated').hidden = !result.truncated;
}

async function search(event: Event): Promise<void> {
  event.preventDefault();
  clearError();
  $('added').textContent = '';
  $('summary').textContent = t('annuaireSearching');
  $('summary').dataset.sign = 'busy';
  try {
    render(await hostRequest('annuaire.search', { criteria: criteria() }));
  } catch (error) {
    $('summary').textContent = '';
    delete $('summary').dataset.sign;
    showError(error);
  }
}

function showStatus(status: Result<'annuaire.status'>): void {
  $('source').textContent =
    status.source === 'ldap' && status.ldap
      ? t('annuaireSourceLdap', [status.ldap.url])
      : t('annuaireSourceOffline');
  const o = status.offline;
  $('offline-info').textContent = o
    ? t('annuaireOfflineInfo', [
        number.format(o.entries),
        when.format(new Date(o.importedAt)),
        o.source,
      ])
    : t('annuaireOfflineNone');
  const missing = $('offline-missing');
  missing.textContent = missingText(o?.missingColumns ?? []);
  missing.hidden = missing.textContent === '';
  if (status.importing) showProgress(status.importing);
}

/** The known columns the imported file lacked, named as the file names them; '' when none. */
function missingText(columns: readonly string[]): string {
  return columns.length > 0 ? t('annuaireMissingColumns', [columns.join(', ')]) : '';
}

function showProgress(p: Progress): void {
  if (importId && p.importId !== importId) return;
  const box = $('import-progress');
  box.hidden = false;
  box.dataset.phase = p.phase;
  const bar = $<HTMLProgressElement>('import-bar');
  const percent = p.totalBytes > 0 ? Math.floor((p.bytesRead / p.totalBytes) * 100) : 0;
  const rows = number.format(p.rowsRead);
  switch (p.phase) {
    case 'reading':
      bar.value = percent;
      $('import-text').textContent = t('annuaireImportReading', [String(percent), rows]);
      break;
    case 'indexing':
      bar.value = 100;
      bar.removeAttribute('value'); // indeterminate: one SQLite step, no finer progress
      $('import-text').textContent = t('annuaireImportIndexing', [rows]);
      break;
    case 'done':
      bar.value = 100;
      $('import-text').textContent = t('annuaireImportDone', [
        number.format(p.report?.entries ?? 0),
        number.format(p.report?.duplicates ?? 0),
        number.format(p.report?.skipped ?? 0),
      ]);
      if (p.report?.missingColumns.length)
        $('import-text').textContent += ` ${missingText(p.report.missingColumns)}`;
      break;
    case 'failed':
      bar.value = 0;
      $('import-text').textContent = `${p.error?.code ?? ''} ${p.error?.message ?? ''}`.trim();
      break;
  }
  const over = p.phase === 'done' || p.phase === 'failed';
  $<HTMLButtonElement>('import-start').disabled = !over;
  if (over) {
    importId = null;
    void hostRequest('annuaire.status', {}).then(showStatus, () => undefined);
  }
}

async function startImport(event: Event): Promise<void> {
  event.preventDefault();
  clearError();
  const path = $<HTMLInputElement>('import-path').value.trim();
  $<HTMLButtonElement>('import-start').disabled = true;
  try {
    ({ importId } = await hostRequest('annuaire.import', { path }));
    showProgress({ importId, phase: 'reading', rowsRead: 0, bytesRead: 0, totalBytes: 0 });
  } catch (error) {
    $<HTMLButtonElement>('import-start').disabled = false;
    showError(error);
  }
}

/** Thunderbird's file picker (experiment mssanteFiles): the host reads the file from its path. */
async function browse(): Promise<void> {
  clearError();
  try {
    const picked = await browser.mssanteFiles.pickFile(
      browser.i18n.getMessage('annuaireImportPath'),
      [{ title: browser.i18n.getMessage('annuaireImportFilter'), pattern: '*.txt; *.zip' }],
    );
    if (picked) $<HTMLInputElement>('import-path').value = picked;
  } catch (error) {
    showError(error);
  }
}

localize();
$('criteria').addEventListener('submit', (event) => void search(event));
$('import-browse').addEventListener('click', () => void browse());
$('import').addEventListener('submit', (event) => void startImport(event));
const port = browser.runtime.connect({ name: ANNUAIRE_PROGRESS_PORT });
port.onMessage.addListener((data) => showProgress(data as Progress));
void hostRequest('annuaire.status', {}).then(showStatus, showError);
