import type { DeliveryReport } from './reports';

export type Locale = 'fr' | 'en';

/** Where a sent message stands for one recipient, from the reports received so far. */
export type RecipientState = 'delivered' | 'read' | 'failed' | 'delayed';

export interface RecipientStatus {
  readonly address: string;
  readonly state: RecipientState;
  /** RFC 3463 code of the DSN. */
  readonly status?: string;
  readonly diagnostic?: string;
}

export interface SentStatus {
  /** Message-ID of the sent message. */
  readonly messageId: string;
  readonly recipients: readonly RecipientStatus[];
}

/** The worst news first: one failed recipient makes the message "failed". */
export type OverallState = 'failed' | 'delayed' | 'delivered' | 'read';

const RANK: Record<RecipientState, number> = { delayed: 1, delivered: 2, read: 3, failed: 4 };

/**
 * Adds one report to a sent message's status. Recipients are matched by Original-Recipient,
 * else Final-Recipient, case-insensitively; a recipient's state only moves forward
 * (delayed → delivered → read), and failed stays failed.
 */
export function applyReport(status: SentStatus, report: DeliveryReport): SentStatus {
  const updates: RecipientStatus[] =
    report.kind === 'dsn'
      ? report.recipients.flatMap((r): RecipientStatus[] => {
          const state: RecipientState | undefined =
            r.action === 'failed' ? 'failed' : r.action === 'delayed' ? 'delayed' : 'delivered';
          return [
            {
              address: r.original ?? r.recipient,
              state,
              status: r.status,
              ...(r.diagnostic ? { diagnostic: r.diagnostic } : {}),
            },
          ];
        })
      : [
          {
            address: report.originalRecipient ?? report.finalRecipient ?? '',
            // Only "displayed" means read; deleted/dispatched/processed keep the delivery state.
            state: report.disposition === 'displayed' ? 'read' : 'delivered',
          },
        ];
  const recipients = [...status.recipients];
  for (const update of updates) {
    if (!update.address) continue;
    const i = recipients.findIndex((r) => r.address.toLowerCase() === update.address.toLowerCase());
    if (i < 0) recipients.push(update);
    else if (RANK[update.state] >= RANK[recipients[i]!.state])
      recipients[i] = { ...recipients[i]!, ...update };
  }
  return { ...status, recipients };
}

export function overallState(status: SentStatus): OverallState | null {
  if (status.recipients.length === 0) return null;
  if (status.recipients.some((r) => r.state === 'failed')) return 'failed';
  if (status.recipients.some((r) => r.state === 'delayed')) return 'delayed';
  if (status.recipients.every((r) => r.state === 'read')) return 'read';
  return 'delivered';
}

/** RFC 3463 subjects and details, in plain words. The most specific match wins. */
const CAUSES: Record<string, { fr: string; en: string }> = {
  '5.1.1': { fr: 'cette adresse n’existe pas', en: 'this address does not exist' },
  '5.1.2': { fr: 'ce domaine de messagerie n’existe pas', en: 'this mail domain does not exist' },
  '5.1.3': { fr: 'l’adresse est mal formée', en: 'the address is malformed' },
  '5.1.6': { fr: 'la boîte aux lettres a changé d’adresse', en: 'the mailbox has moved' },
  '5.1.10': { fr: 'le domaine n’accepte pas de courriel', en: 'the domain accepts no mail' },
  '5.2.1': { fr: 'la boîte aux lettres est désactivée', en: 'the mailbox is disabled' },
  '5.2.2': { fr: 'la boîte aux lettres est pleine', en: 'the mailbox is full' },
  '5.2.3': {
    fr: 'le message est trop gros pour le destinataire',
    en: 'the message is too large for the recipient',
  },
  '5.7.1': {
    fr: 'le destinataire refuse ce message (règle de sécurité)',
    en: 'the recipient refuses this message (security policy)',
  },
  '5.7.0': {
    fr: 'le message a été refusé pour une raison de sécurité',
    en: 'the message was refused for a security reason',
  },
  '5.4': {
    fr: 'le serveur du destinataire est injoignable',
    en: 'the recipient’s server cannot be reached',
  },
  '5.1': { fr: 'l’adresse du destinataire est refusée', en: 'the recipient’s address is refused' },
  '5.2': {
    fr: 'la boîte aux lettres du destinataire refuse le message',
    en: 'the recipient’s mailbox refuses the message',
  },
  '5.3': {
    fr: 'le serveur du destinataire a un problème',
    en: 'the recipient’s server has a problem',
  },
  '5.5': { fr: 'erreur de protocole entre serveurs', en: 'a protocol error between servers' },
  '5.6': { fr: 'le contenu du message est refusé', en: 'the message content is refused' },
  '5.7': { fr: 'refus pour une raison de sécurité', en: 'refused for a security reason' },
  '4': { fr: 'remise retardée, nouvelle tentative en cours', en: 'delivery delayed, still trying' },
  '5': { fr: 'remise définitivement impossible', en: 'delivery permanently impossible' },
  '2': { fr: 'remis', en: 'delivered' },
};

/** The cause of a status code in plain words (the most specific entry of CAUSES). */
export function explainStatus(code: string | undefined, locale: Locale): string {
  const parts = (code ?? '').split('.');
  for (let n = parts.length; n >= 1; n--) {
    const hit = CAUSES[parts.slice(0, n).join('.')];
    if (hit) return hit[locale];
  }
  return locale === 'fr' ? 'cause inconnue' : 'unknown cause';
}

/** One sentence per recipient, as the banner and the tag tooltip show it. */
export function describeRecipient(r: RecipientStatus, locale: Locale): string {
  const fr = locale === 'fr';
  switch (r.state) {
    case 'read':
      return fr ? `Lu par ${r.address}.` : `Read by ${r.address}.`;
    case 'delivered':
      return fr ? `Remis à ${r.address}.` : `Delivered to ${r.address}.`;
    case 'delayed':
      return fr
        ? `Remise retardée pour ${r.address} : ${explainStatus(r.status, locale)}.`
        : `Delivery delayed for ${r.address}: ${explainStatus(r.status, locale)}.`;
    case 'failed':
      return fr
        ? `Non remis à ${r.address} : ${explainStatus(r.status, locale)} (${r.status ?? '?'}).`
        : `Not delivered to ${r.address}: ${explainStatus(r.status, locale)} (${r.status ?? '?'}).`;
  }
}
