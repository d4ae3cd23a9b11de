import { describeNir } from '../../../shared/domain/mail/compose-patients';
import { type MssanteError, toMssanteError } from '../../../shared/errors/mssante-error';
import {
  COMPOSE_PANEL_PORT,
  type PanelMessageType,
  type PanelParams,
  type PanelView,
} from '../../../shared/protocol/compose-panel/index';
import { localize, t } from '../lib/i18n';
import { focusMark, restoreFocus } from '../lib/keep-focus';
import { PanelClient } from './client';

/**
 * The compose-window panel (compose_action popup): what the add-on will do to this message —
 * patient, documents, headers, receipts, blocking problems — and the actions it offers.
 * Opened as a page (`panel.html?tabId=N`) it follows that compose tab.
 */
const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const locale = browser.i18n.getUILanguage().toLowerCase().startsWith('en') ? 'en' : 'fr';

/** `sentence [CODE]`, as the panel shows a refusal. */
const said = (error: MssanteError) => {
  const wire = error.toWire(locale);
  return `${wire.message} [${wire.code}]`;
};

let nextId = 1;
const client = new PanelClient(browser.runtime.connect({ name: COMPOSE_PANEL_PORT }), {
  timers: {
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (h) => clearTimeout(h as number),
  },
  newId: () => `p${nextId++}`,
  onView: (view) => render(view),
  onProblem: (error) => status(said(error), 'error'),
});

async function call<T extends PanelMessageType>(
  type: T,
  params: PanelParams<T>,
): Promise<PanelView> {
  const view = await client.request(type, params);
  render(view);
  return view;
}

function item(text: string, cls?: string): HTMLLIElement {
  const li = document.createElement('li');
  li.textContent = text;
  if (cls) li.className = cls;
  return li;
}

function button(text: string, onClick?: () => void, data: Record<string, string> = {}) {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = text;
  for (const [k, v] of Object.entries(data)) b.dataset[k] = v;
  if (onClick) b.addEventListener('click', onClick);
  return b;
}

const yesNo = (v: boolean) => t(v ? 'composeYes' : 'composeNo');
const frenchDate = (iso?: string) => {
  if (!iso) return '';
  const [y, m = '00', d = '00'] = iso.split('-');
  return `${d}/${m}/${y}`;
};

type Identity = NonNullable<PanelView['identity']>;
type Plan = NonNullable<PanelView['plan']>;

/** The panel's status line: a sentence, and its tone (busy, error) when it is not the plain state. */
function status(text: string, tone?: 'busy' | 'error'): void {
  const el = $('cp-status');
  el.textContent = text;
  if (tone) el.dataset.sign = tone;
  else delete el.dataset.sign;
}

/** A new view rebuilds the generated buttons; the keyboard focus stays where the user was. */
function render(view: PanelView): void {
  const mark = focusMark($('cp-main'));
  renderView(view);
  restoreFocus(mark);
}

function renderView(view: PanelView): void {
  $('cp-main').hidden = !view.mssante;
  $('cp-status').dataset.mssante = String(view.mssante);
  status(t(view.mssante ? 'composeIsMssante' : 'composeNotMssante'));
  if (!view.mssante || !view.identity || !view.plan) return;
  const { identity, plan } = view;
  renderProblems(view);
  renderSender(identity);
  renderPatient(plan);
  renderPdfActions(plan);
  renderMessage(view, identity, plan);
  renderPatients(view);
  renderConflicts(view);
  renderOptions(identity, plan);
}

/** Refusals of the last send, then blocking problems and warnings. */
function renderProblems(view: PanelView): void {
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
}

/** The sending identity and its ECO.2.2.7 label check. */
function renderSender(identity: Identity): void {
  $('cp-identity').textContent = `${identity.fullName} <${identity.address}>`;
  $('cp-profile').textContent = identity.profile;
  const labelWarning = $('cp-label-warning');
  labelWarning.hidden = identity.labelProblems.length === 0;
  labelWarning.textContent = t('composeLabelWarning', identity.labelProblems.join(', '));
  const fix = $<HTMLButtonElement>('cp-label-fix');
  fix.hidden = !identity.labelFix;
  fix.textContent = t('composeLabelFix', identity.labelFix ?? '');
}

/** The patient and documents of an attached XDM. */
function renderPatient(plan: Plan): void {
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
}

/** PDF renames and the PDFs (N1) or PDF/A copies (N3) the add-on can attach. */
function renderPdfActions(plan: Plan): void {
  $('cp-pdf-actions').replaceChildren(
    ...plan.pdfRenames.map((r) =>
      actionButton(
        t('composeRenamePdf', [r.from, r.to]),
        'pdf.rename',
        { from: r.from, to: r.to },
        { rename: r.from },
      ),
    ),
    ...plan.embeddedPdfOffers.map((o) =>
      actionButton(
        t('composeAttachEmbedded', o.pdfName),
        'pdf.attachEmbedded',
        { ...o },
        {
          embedded: o.pdfName,
        },
      ),
    ),
    // Generation takes a moment (the renderer loads on first use): the status line says so until
    // the view comes back (render resets it) or an error replaces it.
    ...plan.pdfaOffers.map((o) =>
      actionButton(
        t('composeAttachPdfA', o.pdfName),
        'pdf.attachPdfA',
        { ...o },
        { pdfa: o.pdfName },
        () => status(t('composePdfAWorking', o.pdfName), 'busy'),
      ),
    ),
  );
}

/** The subject, headers and receipts that will be sent. */
function renderMessage(view: PanelView, identity: Identity, plan: Plan): void {
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
}

/** Known patients, each with a button to write to them when the address is allowed. */
function renderPatients(view: PanelView): void {
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
            actionButton(t('composeWriteTo'), 'patient.add', { ins: p.ins }, { ins: p.ins }),
          );
        else {
          // Issue 19.4: a patient who wrote is offered, but written to only once the user
          // confirms the number against the patient's card (the derogation form, prefilled).
          td.append(
            t('composeInsNotQualified'),
            ' ',
            button(t('composeCheckNir'), () => checkNirOf(p), { checkIns: p.ins }),
          );
        }
        tr.append(td);
        return tr;
      }),
    );
}

type Known = PanelView['patients'][number];

/** Opens the derogation form on a known patient's number and names. */
function checkNirOf(p: Known): void {
  $<HTMLInputElement>('cp-nir').value = p.ins;
  $<HTMLInputElement>('cp-nir-name').value = p.birthName ?? '';
  $<HTMLInputElement>('cp-nir-first').value = p.firstName ?? '';
  $<HTMLDetailsElement>('cp-derogation').open = true;
  $('cp-nir-check').click();
}
const identityLine = (p: Known) =>
  [p.birthName ?? '—', p.firstName ?? '—', frenchDate(p.birthDate) || '—', p.sex ?? '—'].join(' ');

/**
 * Issue 19.4: a message or archive gave a known patient another identity. The stored one is
 * kept and used; the user accepts the incoming one or keeps the stored one.
 */
function renderConflicts(view: PanelView): void {
  const conflicts = view.conflicts ?? [];
  $('cp-conflicts').hidden = conflicts.length === 0;
  $('cp-conflict-list').replaceChildren(
    ...conflicts.map((c) => {
      const li = item(
        t('composeConflictLine', [c.ins, identityLine(c.stored), identityLine(c.incoming)]),
        'warning',
      );
      li.dataset.ins = c.ins;
      li.append(
        ' ',
        actionButton(
          t('composeConflictAccept'),
          'patient.resolveConflict',
          { ins: c.ins, accept: true },
          { conflict: 'accept', ins: c.ins },
        ),
        actionButton(
          t('composeConflictKeep'),
          'patient.resolveConflict',
          { ins: c.ins, accept: false },
          { conflict: 'keep', ins: c.ins },
        ),
      );
      return li;
    }),
  );
}

/** The options (X-MSS-NIL, the APP mailbox's contact), unless being typed. */
function renderOptions(identity: Identity, plan: Plan): void {
  const nil = $<HTMLInputElement>('cp-nil');
  if (document.activeElement !== nil)
    nil.value = plan.headers.find((h) => h.name === 'X-MSS-NIL')?.value ?? '';
  $('cp-app-row').hidden = identity.profile !== 'APP';
  const contact = $<HTMLInputElement>('cp-app-contact');
  if (document.activeElement !== contact && plan.replyTo) contact.value = plan.replyTo;
}

/**
 * The button actions under way. A button's action is sent once at a time: pressed again while it
 * runs, the button does nothing, and it says it is busy (aria-busy) until the answer. Settings a
 * user may change back and forth (receipts, X-MSS-NIL, the APP contact) go through `act` without
 * a button's key: each change is sent.
 */
const working = new Set<string>();
const buttonKeys = new WeakMap<HTMLButtonElement, string>();
const actionKey = (type: PanelMessageType, params: unknown) => `${type} ${JSON.stringify(params)}`;

/** aria-busy on every button whose action is under way, and on no other. */
function markBusy(): void {
  for (const b of document.querySelectorAll<HTMLButtonElement>('#cp-main button')) {
    const key = buttonKeys.get(b);
    if (key && working.has(key)) b.setAttribute('aria-busy', 'true');
    else b.removeAttribute('aria-busy');
  }
}

/** Makes `b` send `type` with `params` when pressed, once at a time (`before` runs first). */
function bindAction<T extends PanelMessageType>(
  b: HTMLButtonElement,
  type: T,
  params: PanelParams<T>,
  before?: () => void,
): HTMLButtonElement {
  const key = actionKey(type, params);
  buttonKeys.set(b, key);
  b.addEventListener('click', () => {
    if (working.has(key)) return;
    before?.();
    working.add(key);
    markBusy();
    void act(type, params).finally(() => {
      working.delete(key);
      markBusy();
    });
  });
  if (working.has(key)) b.setAttribute('aria-busy', 'true');
  return b;
}

/** A generated button for one action (see bindAction). */
function actionButton<T extends PanelMessageType>(
  text: string,
  type: T,
  params: PanelParams<T>,
  data: Record<string, string>,
  before?: () => void,
): HTMLButtonElement {
  return bindAction(button(text, undefined, data), type, params, before);
}

async function act<T extends PanelMessageType>(type: T, params: PanelParams<T>): Promise<void> {
  try {
    await call(type, params);
  } catch (error) {
    status(said(toMssanteError(error)), 'error');
  }
}

bindAction($<HTMLButtonElement>('cp-label-fix'), 'sender.fixLabel', {});
for (const key of ['dsn', 'mdn', 'fin'] as const)
  $<HTMLInputElement>(`cp-${key}`).addEventListener(
    'change',
    (e) => void act('receipts.toggle', { key, value: (e.target as HTMLInputElement).checked }),
  );
bindAction($<HTMLButtonElement>('cp-save-defaults'), 'receipts.saveDefaults', {});
$('cp-nil-save').addEventListener(
  'click',
  () => void act('sender.setNil', { nil: $<HTMLInputElement>('cp-nil').value }),
);
$('cp-app-save').addEventListener(
  'click',
  () => void act('sender.setAppContact', { contact: $<HTMLInputElement>('cp-app-contact').value }),
);

// ECO.2.2.6 derogation: check the key, then the professional confirms what the number encodes.
$('cp-nir-check').addEventListener('click', () => {
  const error = $('cp-nir-error');
  try {
    describeNir($<HTMLInputElement>('cp-nir').value, new Date().getFullYear());
    error.hidden = true;
    $('cp-nir-confirm-box').hidden = false;
  } catch (e) {
    error.textContent = said(toMssanteError(e));
    error.hidden = false;
    $('cp-nir-confirm-box').hidden = true;
  }
});
$('cp-nir-confirm').addEventListener('click', () => {
  const month = $<HTMLInputElement>('cp-nir-month').value.trim();
  void call('patient.confirmNir', {
    nir: $<HTMLInputElement>('cp-nir').value,
    // An unset sex is read as M, as before: the NIR then decides (E_COMPOSE_PATIENT_UNCHECKED).
    sex: $<HTMLSelectElement>('cp-nir-sex').value === 'F' ? 'F' : 'M',
    birthMonth: month === '' ? null : Number(month),
    birthYear: Number($<HTMLInputElement>('cp-nir-year').value),
    birthName: $<HTMLInputElement>('cp-nir-name').value,
    firstName: $<HTMLInputElement>('cp-nir-first').value,
  }).then(
    () => {
      $('cp-nir-confirm-box').hidden = true;
      $('cp-nir-error').hidden = true;
    },
    (e: unknown) => {
      $('cp-nir-error').textContent = said(toMssanteError(e));
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
  await act('panel.attach', { tabId });
}
void start();
