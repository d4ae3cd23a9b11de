import type { Params, Result } from '../../../shared/protocol/index';

/**
 * The setup page's decisions, apart from the DOM and from `browser` so they can be tested alone:
 * what a refusal says about the server's certificate, the manual form's
 * checks, and the PKCS#12 file as the host wants it.
 */

export interface CertificateFacts {
  subject: string;
  issuer: string;
  sha256: string;
}

/**
 * The certificate a trust refusal names (the host's detail reads `subject …; issuer …; sha256 …`,
 * see native-host/trust/certificate-info.ts), or null when the refusal names none.
 */
export function certificateFacts(message: string): CertificateFacts | null {
  const m = /subject (.+?); issuer (.+?); sha256 ([0-9A-F:]+)/i.exec(message);
  return m ? { subject: m[1]!, issuer: m[2]!, sha256: m[3]! } : null;
}

export interface ManualServers {
  imapHost: string;
  imapPort: string;
  smtpHost: string;
  smtpPort: string;
}

const HOST_NAME =
  /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/i;

/**
 * The manual form (when autoconfig fails): host names and ports as `mailbox.add` takes them, or
 * the names of the fields that are wrong. STARTTLS is not a choice: the bridge always uses it.
 */
export function manualEndpoints(
  form: ManualServers,
): { imap: Params<'mailbox.add'>['imap']; smtp: Params<'mailbox.add'>['smtp'] } | string[] {
  const wrong: string[] = [];
  const host = (field: 'imapHost' | 'smtpHost') => {
    const value = form[field].trim().toLowerCase();
    if (!HOST_NAME.test(value)) wrong.push(field);
    return value;
  };
  const port = (field: 'imapPort' | 'smtpPort') => {
    const value = Number(form[field].trim());
    if (!/^\d{1,5}$/.test(form[field].trim()) || value < 1 || value > 65535) wrong.push(field);
    return value;
  };
  const imap = { host: host('imapHost'), port: port('imapPort') };
  const smtp = { host: host('smtpHost'), port: port('smtpPort') };
  return wrong.length ? wrong : { imap, smtp };
}

/** A file's bytes as the base64 `mailbox.add` takes for `pkcs12` (no data: URL prefix). */
export function base64Of(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** The host refuses PKCS#12 files over 64 KiB of base64; say so before reading a big file. */
export const MAX_PKCS12_BYTES = 48 * 1024;

type Endpoints = Pick<Params<'mailbox.add'>, 'imap' | 'smtp'>;

/**
 * The servers autoconfig chose for the mailbox type picked on the page (docs/setup.md "Which
 * front": OAuth2 for PER/ORG, TLS-client-cert for APP), or why the file has none for it. A host
 * that does not report `byType` chose one pair for every type.
 */
export function endpointsForType(
  found: Result<'autoconfig.lookup'>,
  type: Params<'mailbox.add'>['profile'],
): Endpoints | { code: string; detail: string } {
  const choice = found.byType ? found.byType[type] : found;
  if (!('imap' in choice)) return choice;
  return {
    imap: { host: choice.imap.host, port: choice.imap.port },
    smtp: { host: choice.smtp.host, port: choice.smtp.port },
  };
}
