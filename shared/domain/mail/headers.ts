import { MssanteError } from '../../errors/mssante-error';
import { checkAddress } from './address';

/** Header names the add-on sets (seed 001 §3.6–3.8). */
export const MSS_HEADERS = {
  codeCda: 'X-MSS-CODECDA',
  ins: 'X-MSS-INS',
  nil: 'X-MSS-NIL',
  mes: 'X-MSS-MES',
  returnReceiptTo: 'Return-Receipt-To',
  replyTo: 'Reply-To',
} as const;

/**
 * ECO.2.4.3 default product reference of this add-on, used until the editor sets the
 * reference given by convergence.esante.gouv.fr in the options.
 */
export const DEFAULT_NIL = 'OPEN-MSSANTE-THUNDERBIRD';

/** Refuses what would break or inject into a header: line breaks, control characters, empty. */
export function checkHeaderValue(value: string, what = 'header'): string {
  if (value.trim() === '' || /[\u0000-\u0008\u000a-\u001f\u007f]/.test(value)) {
    throw new MssanteError('E_HEADER_INVALID', { detail: what });
  }
  return value;
}

/** ECO.2.4.1: the CDA `code/@code` of each document, in document order, comma-separated. */
export function codeCdaHeader(codes: readonly string[]): string {
  if (codes.length === 0)
    throw new MssanteError('E_HEADER_INVALID', { detail: 'X-MSS-CODECDA without document' });
  return codes.map((c) => checkHeaderValue(c.trim(), 'X-MSS-CODECDA')).join(', ');
}

/** Reads `X-MSS-CODECDA: 34112-3, PRESC-BIO, 15508-5` back. */
export function parseCodeCdaHeader(value: string): string[] {
  return value
    .split(',')
    .map((c) => c.trim())
    .filter((c) => c.length > 0);
}

/** ECO.2.4.2: `O` when the XDM holds a qualified INS, else `N`. */
export function insHeader(qualified: boolean): 'O' | 'N' {
  return qualified ? 'O' : 'N';
}

export interface MssHeadersInput {
  /** Present when the message carries an IHE_XDM archive. */
  readonly xdm?: { readonly codes: readonly string[]; readonly qualifiedIns: boolean };
  /** ECO.2.4.3 product reference; DEFAULT_NIL when absent. */
  readonly nil?: string;
  /** ECO.2.2.8: the patient may not answer (messages to MES only). */
  readonly endPatientConversation?: boolean;
  /** ECO.2.3.1: the sender's mailbox, to request a DSN. */
  readonly deliveryReceiptTo?: string;
  /** ECO.2.2.5: APP mailboxes reply to this PER/ORG mailbox. */
  readonly replyTo?: string;
}

/**
 * The MSSanté headers of an outgoing message, as an ordered list of name/value pairs.
 * X-MSS-CODECDA and X-MSS-INS only exist with an XDM (ECO.2.4.1/2.4.2); X-MSS-NIL always.
 */
export function mssHeaders(input: MssHeadersInput): [string, string][] {
  const headers: [string, string][] = [];
  if (input.xdm) {
    headers.push([MSS_HEADERS.codeCda, codeCdaHeader(input.xdm.codes)]);
    headers.push([MSS_HEADERS.ins, insHeader(input.xdm.qualifiedIns)]);
  }
  headers.push([MSS_HEADERS.nil, checkHeaderValue(input.nil ?? DEFAULT_NIL, 'X-MSS-NIL')]);
  if (input.endPatientConversation) headers.push([MSS_HEADERS.mes, 'FIN']);
  if (input.deliveryReceiptTo !== undefined) {
    headers.push([MSS_HEADERS.returnReceiptTo, `<${checkAddress(input.deliveryReceiptTo)}>`]);
  }
  if (input.replyTo !== undefined) headers.push([MSS_HEADERS.replyTo, checkAddress(input.replyTo)]);
  return headers;
}

/**
 * ECO.2.2.5: the mention ending a message sent from an application mailbox, giving the
 * PER/ORG mailbox to write to (also set as Reply-To).
 */
export function appMention(contact: string, locale: 'fr' | 'en' = 'fr'): string {
  const address = checkAddress(contact);
  return locale === 'fr'
    ? `Ce message a été généré automatiquement. Pour contacter l'émetteur, écrivez à ${address} (messagerie MSSanté).`
    : `This message was generated automatically. To contact the sender, write to ${address} (MSSanté mailbox).`;
}

/** Appends the ECO.2.2.5 mention to a text body (once). */
export function withAppMention(body: string, contact: string, locale: 'fr' | 'en' = 'fr'): string {
  const mention = appMention(contact, locale);
  if (body.trimEnd().endsWith(mention)) return body;
  return `${body.replace(/\s+$/, '')}\n\n-- \n${mention}\n`;
}
