import { checkIns, isValidIns, PATIENT_DOMAIN } from '../ins/ins';
import { parseMailbox } from './address';

export type SenderClass =
  | {
      readonly kind: 'patient';
      readonly address: string;
      /** The INS in the local part, when its key is right. */
      readonly ins?: string;
      readonly displayName?: string;
      /** MES writes `Prénom Nom`: first word = first name, the rest = name (ECO.3.1.2). */
      readonly firstName?: string;
      readonly lastName?: string;
    }
  | { readonly kind: 'professional'; readonly address: string; readonly displayName?: string };

/**
 * ECO.3.1.1 / 3.1.2: a message from Mon espace santé comes from `<INS>@patient.mssante.fr`;
 * anything else is a professional (or organisation) mailbox.
 */
export function classifySender(from: string, patientDomain: string = PATIENT_DOMAIN): SenderClass {
  const { displayName, address } = parseMailbox(from);
  const at = address.lastIndexOf('@');
  const local = address.slice(0, at);
  const domain = address.slice(at + 1).toLowerCase();
  if (domain !== patientDomain.toLowerCase()) {
    return { kind: 'professional', address, ...(displayName ? { displayName } : {}) };
  }
  const words = (displayName ?? '').split(/\s+/).filter((w) => w.length > 0);
  return {
    kind: 'patient',
    address,
    ...(isValidIns(local) ? { ins: checkIns(local, 2000).value } : {}),
    ...(displayName ? { displayName } : {}),
    ...(words.length >= 2 ? { firstName: words[0]!, lastName: words.slice(1).join(' ') } : {}),
  };
}
