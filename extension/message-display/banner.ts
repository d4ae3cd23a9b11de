// The message banner (issue 9), injected into every displayed message by the background
// (scripting.messageDisplay). It asks the background what to show for this message over a
// port and renders it with DOM nodes and textContent only: message content is never parsed or
// trusted here, and nothing of it is inserted as HTML. It lives in a closed shadow root that
// the message's CSS can neither hide nor cover (guard.ts, issue 19.10).
import {
  BANNER_PORT,
  type BannerDelivery,
  type BannerModel,
  type BannerReply,
  type BannerXdm,
} from '../background/receive/banner-model';
import { BANNER_CSS } from './banner-style';
import { guard, mountHost } from './guard';

const t = (key: string, ...subs: string[]) => browser.i18n.getMessage(key, subs);

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const child of children) node.append(child);
  return node;
}

function field(label: string, value: string, name: string): HTMLElement {
  return el(
    'span',
    { class: 'mss-field', 'data-field': name },
    el('span', { class: 'mss-label' }, `${label} `),
    el('span', { class: 'mss-value' }, value),
  );
}

function patientRow(model: NonNullable<BannerModel['patient']>): HTMLElement {
  // Read by a screen reader as one announcement: the group's name is the whole sentence.
  const summary = t(
    'receiveBannerPatientSummary',
    model.birthName ?? '—',
    model.firstName ?? '—',
    model.ins ?? t('receiveBannerInsUnknown'),
  );
  return el(
    'div',
    { class: 'mss-row mss-patient', id: 'mss-patient', role: 'group', 'aria-label': summary },
    el('strong', {}, t('receiveBannerPatientTitle')),
    field(t('receiveBannerBirthName'), model.birthName ?? '—', 'birthName'),
    field(t('receiveBannerFirstName'), model.firstName ?? '—', 'firstName'),
    field(t('receiveBannerIns'), model.ins ?? t('receiveBannerInsUnknown'), 'ins'),
  );
}

function xdmBlock(x: BannerXdm, port: browser.runtime.Port): HTMLElement {
  if (!x.ok) {
    return el(
      'div',
      { class: 'mss-row mss-warning', 'data-code': x.code, 'data-part': x.partName },
      el('strong', {}, t('receiveBannerXdmInvalid', x.name)),
      el('span', { class: 'mss-message' }, `${x.message} (${x.code})`),
    );
  }
  const p = x.patient;
  const documents = el('ul', { class: 'mss-documents' });
  for (const d of x.documents) {
    const item = el(
      'li',
      { class: 'mss-document', 'data-index': String(d.index), 'data-level': d.level },
      el('span', { class: 'mss-doc-type' }, d.type),
      ' — ',
      el('span', { class: 'mss-doc-date' }, d.date ?? '—'),
      ' — ',
      el('span', { class: 'mss-doc-code' }, d.code ?? '—'),
    );
    if (d.pdf) {
      const open = el(
        'button',
        { type: 'button', class: 'mss-open-pdf' },
        t('receiveBannerOpenPdf'),
      );
      open.addEventListener('click', () =>
        port.postMessage({ kind: 'openPdf', partName: x.partName, index: d.index }),
      );
      item.append(' ', open);
    }
    documents.append(item);
  }
  const save = el(
    'button',
    { type: 'button', class: 'mss-save-archive' },
    t('receiveBannerSaveArchive'),
  );
  save.addEventListener('click', () =>
    port.postMessage({ kind: 'saveArchive', partName: x.partName }),
  );
  const summary = t(
    'receiveBannerXdmSummary',
    x.name,
    p.birthName ?? '—',
    p.firstName ?? '—',
    p.birthDate ?? '—',
    p.ins ?? t('receiveBannerInsUnknown'),
    p.qualified ? t('receiveBannerInsQualified') : t('receiveBannerInsNotQualified'),
  );
  return el(
    'div',
    { class: 'mss-row mss-xdm', 'data-part': x.partName, role: 'group', 'aria-label': summary },
    el('strong', {}, t('receiveBannerXdmTitle', x.name)),
    field(t('receiveBannerBirthName'), p.birthName ?? '—', 'birthName'),
    field(t('receiveBannerFirstName'), p.firstName ?? '—', 'firstName'),
    field(t('receiveBannerBirthDate'), p.birthDate ?? '—', 'birthDate'),
    field(t('receiveBannerIns'), p.ins ?? t('receiveBannerInsUnknown'), 'ins'),
    el(
      'span',
      { class: 'mss-ins-status', 'data-qualified': String(p.qualified) },
      p.qualified ? t('receiveBannerInsQualified') : t('receiveBannerInsNotQualified'),
    ),
    documents,
    save,
  );
}

function deliveryRow(d: BannerDelivery): HTMLElement {
  const state = t(`receiveState_${d.state}`);
  const title = t(d.isReport ? 'receiveBannerReportTitle' : 'receiveBannerStatusTitle', state);
  const list = el('ul', { class: 'mss-delivery-lines' });
  for (const line of d.lines) list.append(el('li', {}, line));
  return el(
    'div',
    { class: `mss-row mss-delivery mss-${d.state}`, id: 'mss-delivery', 'data-state': d.state },
    el('strong', {}, title),
    list,
  );
}

function render(model: BannerModel, port: browser.runtime.Port): void {
  const { host, root } = mountHost();
  const banner = el('section', {
    id: 'mssante-banner',
    class: 'mss-banner',
    role: 'region',
    'aria-label': t('receiveBannerRegion'),
  });
  if (model.displaySubject)
    banner.append(
      el('div', { class: 'mss-row mss-subject', id: 'mss-subject' }, model.displaySubject),
    );
  if (model.patient) banner.append(patientRow(model.patient));
  for (const x of model.xdm) banner.append(xdmBlock(x, port));
  if (model.delivery) banner.append(deliveryRow(model.delivery));
  root.append(el('style', {}, BANNER_CSS), banner);
  guard(host);
}

const port = browser.runtime.connect({ name: BANNER_PORT });
port.onMessage.addListener((raw: unknown) => {
  const reply = raw as BannerReply;
  if (reply.kind === 'model') {
    if (reply.model) render(reply.model, port);
    document.documentElement.dataset.mssanteBanner = reply.model ? 'shown' : 'none';
  } else {
    document.documentElement.dataset.mssanteBanner = 'error';
    document.documentElement.dataset.mssanteError = reply.code;
  }
});
