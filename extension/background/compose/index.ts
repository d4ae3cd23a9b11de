import {
  addressOfKnown,
  checkedAddresses,
  confirmNir,
  knownFromXdm,
} from '../../../shared/domain/mail/compose-patients';
import {
  type ComposeIdentity,
  type ComposePlan,
  DSN_INSTRUCTION_HEADER,
  htmlWithMention,
  planCompose,
} from '../../../shared/domain/mail/compose';
import { checkFromLabel, suggestedFromLabel } from '../../../shared/domain/mail/from-label';
import { MSS_HEADERS, withAppMention } from '../../../shared/domain/mail/headers';
import type { Locale } from '../../../shared/errors/codes';
import { MssanteError, toMssanteError } from '../../../shared/errors/mssante-error';
import type { Result } from '../../../shared/protocol/index';
import { type AttachmentReading, embeddedPdf, readAttachment } from './inspect';
import { generatedPdfA } from './pdfa';
import { problemLine, type ProblemWords, refusalLines } from './problems';
import { COMPOSE_PORT, type PanelView, type Toggles } from './port';
import {
  knownPatients,
  readSettings,
  receiptDefaults,
  rememberPatient,
  setReceiptDefaults,
  writeSettings,
} from './settings';

export interface ComposeDeps {
  readonly locale: Locale;
  readonly mailboxes: () => Promise<Result<'mailbox.list'>['mailboxes']>;
  readonly psc: () => Result<'psc.status'> | null;
  readonly notify: (title: string, message: string) => void;
}

interface TabState {
  readings: Map<number, { name: string; reading: Promise<AttachmentReading> }>;
  toggles?: Toggles;
  /** Problems of the last refused send, shown in the panel until the next check. */
  refused?: string[];
}

const recipientsOf = (d: browser.compose.ComposeDetails): string[] =>
  [d.to, d.cc, d.bcc]
    .flatMap((list) => (list === undefined ? [] : Array.isArray(list) ? list : [list]))
    .map((r) => (typeof r === 'string' ? r : ''))
    .filter((r) => r.length > 0);

/**
 * The compose side of the add-on (issue 8, docs/compose.md): reads attached XDMs, plans the
 * MSSanté headers and subject, refuses what must not leave, and serves the compose panel.
 */
export function startCompose(deps: ComposeDeps): void {
  const tabs = new Map<number, TabState>();
  const stateOf = (tabId: number) => {
    let s = tabs.get(tabId);
    if (!s) tabs.set(tabId, (s = { readings: new Map() }));
    return s;
  };
  const panels = new Map<number, Set<browser.runtime.Port>>();
  /** PDF/A copies being generated (`tabId\npdfName`). */
  const generating = new Set<string>();

  const reading = (tabId: number, attachment: browser.compose.ComposeAttachment) => {
    const s = stateOf(tabId);
    const known = s.readings.get(attachment.id);
    if (known && known.name === (attachment.name ?? '')) return known.reading;
    const name = attachment.name ?? '';
    const promise = browser.compose
      .getAttachmentFile(attachment.id)
      .then((file) => readAttachment(name, file))
      .then(async (r) => {
        if (r.kind === 'xdm') {
          const patient = knownFromXdm(r.inspection.patient);
          if (patient) await rememberPatient(patient);
        }
        return r;
      })
      .catch((): AttachmentReading => ({ kind: 'other' }));
    s.readings.set(attachment.id, { name, reading: promise });
    return promise;
  };

  async function identityOf(identityId: string | undefined): Promise<ComposeIdentity | null> {
    if (!identityId) return null;
    const identity = await browser.identities.get(identityId);
    if (!identity?.email) return null;
    let list: Result<'mailbox.list'>['mailboxes'];
    try {
      list = await deps.mailboxes();
    } catch {
      return null;
    }
    const mailbox = list.find((m) => m.address.toLowerCase() === identity.email!.toLowerCase());
    if (!mailbox) return null;
    return { address: mailbox.address, profile: mailbox.profile, fullName: identity.name ?? '' };
  }

  async function toggles(tabId: number, identity: ComposeIdentity): Promise<Toggles> {
    const s = stateOf(tabId);
    if (!s.toggles) s.toggles = { ...(await receiptDefaults(identity.address)), fin: false };
    return s.toggles;
  }

  async function plan(tabId: number, details: browser.compose.ComposeDetails) {
    const identity = await identityOf(details.identityId);
    if (!identity) return null;
    const attachments = await browser.compose.listAttachments(tabId);
    const read = await Promise.all(
      attachments.map(async (a) => ({ name: a.name ?? '', reading: await reading(tabId, a) })),
    );
    const settings = await readSettings();
    const t = await toggles(tabId, identity);
    const patients = await knownPatients();
    const appContact = settings.appContacts[identity.address.toLowerCase()];
    const result = planCompose({
      identity,
      subject: details.subject ?? '',
      recipients: recipientsOf(details),
      attachments: read.map((a) => ({
        name: a.name,
        ...(a.reading.kind === 'xdm' ? { xdm: a.reading.inspection } : {}),
        ...(a.reading.kind === 'refused' ? { xdmError: a.reading.code } : {}),
      })),
      isPlainText: details.isPlainText !== false,
      options: {
        nil: settings.nil,
        ...t,
        ...(appContact ? { appContact } : {}),
        checkedPatientAddresses: checkedAddresses(patients),
      },
      locale: deps.locale,
    });
    return { identity, plan: result, toggles: t, patients };
  }

  const words: ProblemWords = {
    locale: deps.locale,
    getMessage: (name) => browser.i18n.getMessage(name),
  };

  async function view(tabId: number): Promise<PanelView> {
    const details = await browser.compose.getComposeDetails(tabId);
    const planned = await plan(tabId, details);
    if (!planned) return { mssante: false, problems: [], patients: [] };
    const { identity, plan: p, toggles: t, patients } = planned;
    const labelProblems = checkFromLabel(identity.profile, identity.fullName);
    const fix = labelProblems.length ? fromLabelFix(identity) : undefined;
    const refused = stateOf(tabId).refused;
    return {
      mssante: true,
      identity: { ...identity, labelProblems, ...(fix ? { labelFix: fix } : {}) },
      plan: p,
      toggles: t,
      problems: p.problems.map((x) => ({
        code: x.code,
        blocking: x.blocking,
        text: problemLine(x, words),
      })),
      patients: patients.map((k) => {
        try {
          return { ...k, address: addressOfKnown(k) };
        } catch {
          return k;
        }
      }),
      ...(refused ? { refused } : {}),
    };
  }

  const fromLabelFix = (identity: ComposeIdentity) =>
    suggestedFromLabel(identity, deps.psc()?.identity);

  async function refresh(tabId: number): Promise<void> {
    const ports = panels.get(tabId);
    if (!ports?.size) return;
    const v = await view(tabId).catch(() => null);
    if (v) for (const port of ports) port.postMessage({ kind: 'view', view: v });
  }

  browser.compose.onAttachmentAdded.addListener((tab, attachment) => {
    if (tab.id === undefined) return;
    void reading(tab.id, attachment).then(() => refresh(tab.id!));
  });
  browser.compose.onAttachmentRemoved?.addListener((tab, attachmentId) => {
    if (tab.id === undefined) return;
    stateOf(tab.id).readings.delete(attachmentId);
    void refresh(tab.id);
  });
  browser.tabs.onRemoved.addListener((tabId) => tabs.delete(tabId));

  const onBeforeSend = async (
    tab: browser.tabs.Tab,
    details: browser.compose.ComposeDetails,
  ): Promise<{ cancel?: boolean; details?: browser.compose.ComposeDetails }> => {
    if (tab.id === undefined) return {};
    const planned = await plan(tab.id, details);
    if (!planned) return {};
    const p = planned.plan;
    const refused = refusalLines(p.problems, words);
    const s = stateOf(tab.id);
    if (refused.length > 0) {
      // ECO.2.1.1 and the other refusals: nothing leaves, the user is told why.
      s.refused = refused;
      deps.notify(browser.i18n.getMessage('composeRefusedTitle'), s.refused.join('\n'));
      void refresh(tab.id);
      return { cancel: true };
    }
    delete s.refused;
    const ours = new Set([
      ...Object.values(MSS_HEADERS).map((n) => n.toLowerCase()),
      DSN_INSTRUCTION_HEADER.toLowerCase(),
    ]);
    const change: browser.compose.ComposeDetails = {
      customHeaders: [
        ...(details.customHeaders ?? []).filter((h) => !ours.has(h.name.toLowerCase())),
        ...p.headers.map((h) => ({ name: h.name, value: h.value })),
      ],
      returnReceipt: p.returnReceipt,
    };
    if (p.subject !== undefined) change.subject = p.subject;
    if (p.deliveryFormat) change.deliveryFormat = p.deliveryFormat;
    if (p.replyTo) change.replyTo = [p.replyTo];
    if (p.appMention) {
      const contact = p.replyTo!;
      if (details.isPlainText !== false)
        change.plainTextBody = withAppMention(details.plainTextBody ?? '', contact, deps.locale);
      else change.body = htmlWithMention(details.body ?? '', p.appMention);
    }
    return { details: change };
  };
  browser.compose.onBeforeSend.addListener(onBeforeSend as never);

  browser.runtime.onConnect.addListener((port) => {
    if (port.name !== COMPOSE_PORT) return;
    let tabId: number | undefined;
    port.onMessage.addListener((raw: unknown) => {
      const message = raw as { id: number; op: string; [k: string]: unknown };
      void handle(message).then(
        (result) => port.postMessage({ kind: 'reply', id: message.id, ok: true, result }),
        (error: unknown) =>
          port.postMessage({
            kind: 'reply',
            id: message.id,
            ok: false,
            error: toMssanteError(error).toWire(deps.locale),
          }),
      );
    });
    port.onDisconnect.addListener(() => {
      if (tabId !== undefined) panels.get(tabId)?.delete(port);
    });

    async function handle(m: { op: string; [k: string]: unknown }): Promise<unknown> {
      if (m.op === 'attach') {
        tabId = Number(m.tabId);
        if (!panels.has(tabId)) panels.set(tabId, new Set());
        panels.get(tabId)!.add(port);
        return view(tabId);
      }
      if (tabId === undefined) throw new MssanteError('E_PROTOCOL_INVALID');
      const id = tabId;
      const details = await browser.compose.getComposeDetails(id);
      const identity = await identityOf(details.identityId);
      switch (m.op) {
        case 'view':
          break;
        case 'toggle': {
          if (!identity) break;
          const t = await toggles(id, identity);
          const key = m.key as keyof Toggles;
          if (key === 'dsn' || key === 'mdn' || key === 'fin') t[key] = m.value === true;
          break;
        }
        case 'saveDefaults': {
          if (!identity) break;
          const t = await toggles(id, identity);
          await setReceiptDefaults(identity.address, { dsn: t.dsn, mdn: t.mdn });
          break;
        }
        case 'addPatient': {
          const patients = await knownPatients();
          const patient = patients.find((p) => p.ins === m.ins);
          if (!patient) throw new MssanteError('E_COMPOSE_PATIENT_UNCHECKED');
          await addRecipient(id, details, addressOfKnown(patient));
          break;
        }
        case 'confirmNir': {
          const patient = confirmNir(
            String(m.nir),
            {
              sex: m.sex === 'F' ? 'F' : 'M',
              birthYear: Number(m.birthYear),
              birthMonth: m.birthMonth === null ? null : Number(m.birthMonth),
            },
            new Date().getFullYear(),
            new Date(),
            {
              ...(typeof m.birthName === 'string' && m.birthName ? { birthName: m.birthName } : {}),
              ...(typeof m.firstName === 'string' && m.firstName ? { firstName: m.firstName } : {}),
            },
          );
          await rememberPatient(patient);
          await addRecipient(id, details, addressOfKnown(patient));
          break;
        }
        case 'renamePdf': {
          const list = await browser.compose.listAttachments(id);
          const a = list.find((x) => x.name === m.from);
          if (a) await browser.compose.updateAttachment(id, a.id, { name: String(m.to) });
          break;
        }
        case 'attachEmbedded': {
          const list = await browser.compose.listAttachments(id);
          const a = list.find((x) => x.name === m.attachment);
          if (a) {
            const file = await embeddedPdf(
              await browser.compose.getAttachmentFile(a.id),
              String(m.entryName),
              String(m.pdfName),
            );
            await browser.compose.addAttachment(id, { file, name: String(m.pdfName) });
          }
          break;
        }
        case 'attachPdfA': {
          const list = await browser.compose.listAttachments(id);
          const a = list.find((x) => x.name === m.attachment);
          // A second click, during the generation or after, attaches nothing more.
          const key = `${id}\n${String(m.pdfName)}`;
          if (a && !generating.has(key) && !list.some((x) => x.name === m.pdfName)) {
            generating.add(key);
            try {
              const file = await generatedPdfA(
                await browser.compose.getAttachmentFile(a.id),
                String(m.entryName),
                String(m.pdfName),
              );
              await browser.compose.addAttachment(id, { file, name: String(m.pdfName) });
            } finally {
              generating.delete(key);
            }
          }
          break;
        }
        case 'fixFromLabel': {
          if (!identity || !details.identityId) break;
          const fix = fromLabelFix(identity);
          if (fix) await browser.identities.update(details.identityId, { name: fix });
          break;
        }
        case 'setNil': {
          await writeSettings({ nil: String(m.nil ?? '') });
          break;
        }
        case 'setAppContact': {
          if (!identity) break;
          const settings = await readSettings();
          await writeSettings({
            appContacts: {
              ...settings.appContacts,
              [identity.address.toLowerCase()]: String(m.contact ?? ''),
            },
          });
          break;
        }
        default:
          throw new MssanteError('E_PROTOCOL_INVALID');
      }
      const v = await view(id);
      void refresh(id);
      return v;
    }
  });

  async function addRecipient(
    tabId: number,
    details: browser.compose.ComposeDetails,
    address: string,
  ): Promise<void> {
    const to = recipientsOfField(details.to);
    if (!to.some((r) => r.toLowerCase().includes(address.toLowerCase())))
      await browser.compose.setComposeDetails(tabId, { to: [...to, address] });
  }
}

function recipientsOfField(list: browser.compose.ComposeRecipientList | undefined): string[] {
  if (list === undefined) return [];
  return (Array.isArray(list) ? list : [list]).filter((r): r is string => typeof r === 'string');
}
