import { describeNir } from '../../../shared/domain/mail/compose-patients';
import { toMssanteError, type WireError } from '../../../shared/errors/mssante-error';
import { COMPOSE_PORT, type PanelView } from '../../background/compose/port';
import { localize, t } from '../lib/i18n';

/**
 * The compose-window panel (compose_action popup): what the add-on will do to this message —
 * patient, documents, headers, receipts, blocking problems — and the actions it offers.
 * Opened as a page (`panel.html?tabId=N`) it follows that compose tab.
 */
const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const locale = browser.i18n.getUILanguage().toLowerCase().startsWith('en') ? 'en' : 'fr';

const port = browser.runtime.connect({ name: COMPOSE_PORT });
let nextId = 1;
const pending = new Map<
  number,
  { resolve: (v: unknown) => void; reject: (e: WireError) => void }
>();
port.onMessage.addListener((raw: unknown) => {
  const m = raw as
    | { kind: 'view'; view: PanelView }
    | { kind: 'reply'; id: number; ok: boolean; result?: unknown; error?: WireError };
  if (m.kind === 'view') return render(m.view);
  const p = pending.get(m.id);
  pending.delete(m.id);
  if (!p) return;
  if (m.ok) p.resolve(m.result);
  else p.reject(m.error!);
});

function call(op: string, args: Record<string, unknown> = {}): Promise<PanelView> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
    port.postMessage({ id, op, ...args });
  }).then((v) => (render(v as PanelView), v as PanelView));
}

function item(text: string, cls?: string): HTMLLIElement {
  const li = document.createElement('li');
  li.textContent = text;
  if (cls) li.className = cls;
  return li;
}

function button(text: string, onClick: () => void, data: Record<string, string> = {}) {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = text;
  for (const [k, v] of Object.entries(data)) b.dataset[k] = v;
  b.addEventListener('click', onClick);
  return b;
}

const yesNo = (v: boolean) => t(v ? 'composeYes' : 'composeNo');
const frenchDate = (iso?: string) => {
  if (!iso) return '';
  const [y, m = '00', d = '00'] = iso.split('-');
  return `${d}/${m}/${y}`;
};

function render(view: PanelView): void {
  const status = $('cp-status');
  $('cp-main').hidden = !view.mssante;
  status.dataset.mssante = String(view.mssante);
  status.textContent = t(view.mssante ? 'composeIsMssante' : 'composeNotMssante');
  if (!view.mssante || !view.identity || !view.plan) return;
  const { identity, plan } = view;

  $('cp-refused').hidden = !view.refused?.length;
  $('cp-refused-list').replaceChildren(...(view.refused ?? []).map((r) => item(r, 'blocking')));
  $('cp-problems').replaceChildren(
    ...[...view.problems]
      .sort((a, b) => Number(b.blocking) - Number(a.blocking))
      .map((p) => {
        const li = item(p.text, p.blocking ? 'blocking' : 'warning');
        li.dataset.code = p.code;
        return li;
      }),
  );
  $('cp-no-problem').hidden = view.problems.some((p) => p.blocking);

  $('cp-identity').textContent = `${identity.fullName} <${identity.address}>`;
  $('cp-profile').textContent = identity.profile;
  const labelWarning = $('cp-label-warning');
  labelWarning.hidden = identity.labelProblems.length === 0;
  labelWarning.textContent = t('composeLabelWarning', identity.labelProblems.join(', '));
  const fix = $<HTMLButtonElement>('cp-label-fix');
  fix.hidden = !identity.labelFix;
  fix.textContent = t('composeLabelFix', identity.labelFix ?? '');

  $('cp-xdm').hidden = !plan.patient;
  if (plan.patient) {
    const p = plan.patient;
    const rows: [string, string][] = [
      [t('composeBirthName'), p.birthName ?? ''],
      [t('composeFirstName'), p.firstName ?? ''],
      [
        t('composeBirthDate'),
        p.birthDate
          ? `${String(p.birthDate.day ?? 0).padStart(2, '0')}/${String(p.birthDate.month ?? 0).padStart(2, '0')}/${p.birthDate.year}`
          : '',
      ],
      [t('composeSex'), p.sex ?? ''],
      [t('composeInsQualified'), `${yesNo(p.qualified)}${p.ins ? ` (${p.ins})` : ''}`],
    ];
    $('cp-patient').replaceChildren(
      ...rows.flatMap(([k, v]) => {
        const dt = document.createElement('dt');
        dt.textContent = k;
        const dd = document.createElement('dd');
        dd.textContent = v;
        return [dt, dd];
      }),
    );
    $('cp-documents').replaceChildren(
      ...plan.documents.map((d) =>
        item(
          `${d.displayName ?? ''} — ${d.code ?? ''} — ${d.level}${d.pdfName ? ` — ${d.pdfName}` : ''}`,
        ),
      ),
    );
  }
  $('cp-pdf-actions').replaceChildren(
    ...plan.pdfRenames.map((r) =>
      button(t('composeRenamePdf', [r.from, r.to]), () => void act('renamePdf', { ...r }), {
        rename: r.from,
      }),
    ),
    ...plan.embeddedPdfOffers.map((o) =>
      button(t('composeAttachEmbedded', o.pdfName), () => void act('attachEmbedded', { ...o }), {
        embedded: o.pdfName,
      }),
    ),
    ...plan.pdfaOffers.map((o) =>
      button(
        t('composeAttachPdfA', o.pdfName),
        () => {
          // Generation takes a moment (the renderer loads on first use): say so until the view
          // comes back (render resets the status) or an error replaces it.
          $('cp-status').textContent = t('composePdfAWorking', o.pdfName);
          void act('attachPdfA', { ...o });
        },
        { pdfa: o.pdfName },
      ),
    ),
  );

  $('cp-subject').textContent = plan.subject ?? t('composeSubjectUnchanged');
  $('cp-headers').replaceChildren(
    ...plan.headers.map((h) =>
      h.name === 'X-Open-Mssante-Dsn'
        ? item(`Return-Receipt-To: <${identity.address}>`)
        : item(`${h.name}: ${h.value}`),
    ),
    ...(plan.returnReceipt ? [item(`Disposition-Notification-To: ${identity.address}`)] : []),
    ...(plan.replyTo ? [item(`Reply-To: ${plan.replyTo}`)] : []),
    ...(plan.deliveryFormat ? [item('multipart/alternative (text/plain, text/html)')] : []),
  );

  $<HTMLInputElement>('cp-dsn').checked = view.toggles?.dsn ?? false;
  $<HTMLInputElement>('cp-mdn').checked = view.toggles?.mdn ?? false;
  $<HTMLInputElement>('cp-fin').checked = view.toggles?.fin ?? false;
  $('cp-fin-row').hidden = !plan.toPatient;

  $('cp-patients')
    .querySelector('tbody')!
    .replaceChildren(
      ...view.patients.map((p) => {
        const tr = document.createElement('tr');
        tr.dataset.ins = p.ins;
        for (const v of [
          p.birthName ?? '',
          p.firstName ?? '',
          frenchDate(p.birthDate),
          p.sex ?? '',
          yesNo(p.qualified),
        ]) {
          const td = document.createElement('td');
          td.textContent = v;
          tr.append(td);
        }
        const td = document.createElement('td');
        if (p.address)
          td.append(
            button(t('composeWriteTo'), () => void act('addPatient', { ins: p.ins }), {
              ins: p.ins,
            }),
          );
        else td.textContent = t('composeInsNotQualified');
        tr.append(td);
        return tr;
      }),
    );

  const nil = $<HTMLInputElement>('cp-nil');
  if (document.activeElement !== nil)
    nil.value = plan.headers.find((h) => h.name === 'X-MSS-NIL')?.value ?? '';
  $('cp-app-row').hidden = identity.profile !== 'APP';
  const contact = $<HTMLInputElement>('cp-app-contact');
  if (document.activeElement !== contact && plan.replyTo) contact.value = plan.replyTo;
}

async function act(op: string, args: Record<string, unknown> = {}): Promise<void> {
  try {
    await call(op, args);
  } catch (error) {
    const e = error as WireError;
    $('cp-status').textContent = `${e.message} [${e.code}]`;
  }
}

$('cp-label-fix').addEventListener('click', () => void act('fixFromLabel'));
for (const key of ['dsn', 'mdn', 'fin'] as const)
  $<HTMLInputElement>(`cp-${key}`).addEventListener(
    'change',
    (e) => void act('toggle', { key, value: (e.target as HTMLInputElement).checked }),
  );
$('cp-save-defaults').addEventListener('click', () => void act('saveDefaults'));
$('cp-nil-save').addEventListener(
  'click',
  () => void act('setNil', { nil: $<HTMLInputElement>('cp-nil').value }),
);
$('cp-app-save').addEventListener(
  'click',
  () => void act('setAppContact', { contact: $<HTMLInputElement>('cp-app-contact').value }),
);

// ECO.2.2.6 derogation: check the key, then the professional confirms what the number encodes.
$('cp-nir-check').addEventListener('click', () => {
  const error = $('cp-nir-error');
  try {
    describeNir($<HTMLInputElement>('cp-nir').value, new Date().getFullYear());
    error.hidden = true;
    $('cp-nir-confirm-box').hidden = false;
  } catch (e) {
    const wire = toMssanteError(e).toWire(locale);
    error.textContent = `${wire.message} [${wire.code}]`;
    error.hidden = false;
    $('cp-nir-confirm-box').hidden = true;
  }
});
$('cp-nir-confirm').addEventListener('click', () => {
  const month = $<HTMLInputElement>('cp-nir-month').value.trim();
  void call('confirmNir', {
    nir: $<HTMLInputElement>('cp-nir').value,
    sex: $<HTMLSelectElement>('cp-nir-sex').value,
    birthMonth: month === '' ? null : Number(month),
    birthYear: Number($<HTMLInputElement>('cp-nir-year').value),
    birthName: $<HTMLInputElement>('cp-nir-name').value,
    firstName: $<HTMLInputElement>('cp-nir-first').value,
  }).then(
    () => {
      $('cp-nir-confirm-box').hidden = true;
      $('cp-nir-error').hidden = true;
    },
    (e: WireError) => {
      $('cp-nir-error').textContent = `${e.message} [${e.code}]`;
      $('cp-nir-error').hidden = false;
    },
  );
});

async function start(): Promise<void> {
  localize();
  const fromQuery = Number(new URLSearchParams(location.search).get('tabId'));
  let tabId = Number.isFinite(fromQuery) && fromQuery > 0 ? fromQuery : undefined;
  if (tabId === undefined) {
    const [tab] = await browser.tabs.query({ active: true, currentWindow: true });
    tabId = tab?.id;
  }
  if (tabId === undefined) return;
  await act('attach', { tabId });
}
void start();
