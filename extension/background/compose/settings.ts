import {
  type KnownPatient,
  PATIENTS_KEY,
  readKnown,
} from '../../../shared/domain/mail/compose-patients';
import {
  addConflict,
  admitKnown,
  PATIENT_CONFLICTS_KEY,
  type PatientConflict,
  readConflicts,
  resolveConflict,
} from '../../../shared/domain/mail/patient-admission';
import { DEFAULT_NIL } from '../../../shared/domain/mail/headers';
import { MssanteError } from '../../../shared/errors/mssante-error';

/**
 * What the compose side keeps in storage.local (docs/compose.md): the add-on options (X-MSS-NIL
 * value, the PER/ORG contact of each APP mailbox), per-mailbox receipt defaults, known patients.
 */
export const OPTIONS_KEY = 'compose.options';
export const DEFAULTS_KEY = 'compose.receiptDefaults';

export interface ComposeSettings {
  /** ECO.2.4.3 product reference sent as X-MSS-NIL. */
  readonly nil: string;
  /** ECO.2.2.5: for each APP mailbox, the PER/ORG address its messages point to. */
  readonly appContacts: Readonly<Record<string, string>>;
}

export interface ReceiptDefaults {
  readonly dsn: boolean;
  readonly mdn: boolean;
}

export async function readSettings(): Promise<ComposeSettings> {
  const stored = (await browser.storage.local.get(OPTIONS_KEY))[OPTIONS_KEY] as
    Partial<ComposeSettings> | undefined;
  return {
    nil: typeof stored?.nil === 'string' && stored.nil.trim() ? stored.nil.trim() : DEFAULT_NIL,
    appContacts:
      stored?.appContacts && typeof stored.appContacts === 'object' ? stored.appContacts : {},
  };
}

export async function writeSettings(change: Partial<ComposeSettings>): Promise<ComposeSettings> {
  const next = { ...(await readSettings()), ...change };
  await browser.storage.local.set({ [OPTIONS_KEY]: next });
  return next;
}

export async function receiptDefaults(address: string): Promise<ReceiptDefaults> {
  const all = ((await browser.storage.local.get(DEFAULTS_KEY))[DEFAULTS_KEY] ?? {}) as Record<
    string,
    ReceiptDefaults
  >;
  const d = all[address.toLowerCase()];
  return { dsn: d?.dsn === true, mdn: d?.mdn === true };
}

export async function setReceiptDefaults(address: string, value: ReceiptDefaults): Promise<void> {
  const all = ((await browser.storage.local.get(DEFAULTS_KEY))[DEFAULTS_KEY] ?? {}) as Record<
    string,
    ReceiptDefaults
  >;
  await browser.storage.local.set({
    [DEFAULTS_KEY]: { ...all, [address.toLowerCase()]: { dsn: value.dsn, mdn: value.mdn } },
  });
}

export async function knownPatients(): Promise<KnownPatient[]> {
  return readKnown((await browser.storage.local.get(PATIENTS_KEY))[PATIENTS_KEY]);
}

/** Identities of known patients that differ from the stored ones, waiting for the user. */
export async function patientConflicts(): Promise<PatientConflict[]> {
  return readConflicts(
    (await browser.storage.local.get(PATIENT_CONFLICTS_KEY))[PATIENT_CONFLICTS_KEY],
  );
}

/**
 * Adds a patient to the known ones (issue 19.4): a stored identity is never overwritten; a
 * different one becomes a pending conflict the compose panel asks the user about.
 */
export async function rememberPatient(patient: KnownPatient): Promise<PatientConflict | null> {
  const { list, conflict } = admitKnown(await knownPatients(), patient, new Date());
  if (!conflict) {
    await browser.storage.local.set({ [PATIENTS_KEY]: list });
    return null;
  }
  const pending = await patientConflicts();
  const known = pending.find((c) => c.ins === conflict.ins);
  // The same message seen again (another scan) is not news.
  if (known && JSON.stringify(known.incoming) === JSON.stringify(conflict.incoming)) return null;
  await browser.storage.local.set({ [PATIENT_CONFLICTS_KEY]: addConflict(pending, conflict) });
  return conflict;
}

/**
 * `rememberPatient` for a patient a received message or archive names: a new conflict is told to
 * `onError` (which journals it) as E_RECEIVE_PATIENT_CONFLICT.
 */
export async function rememberAndReport(
  patient: KnownPatient,
  onError: (error: unknown) => void,
): Promise<void> {
  const conflict = await rememberPatient(patient);
  if (conflict)
    onError(
      new MssanteError('E_RECEIVE_PATIENT_CONFLICT', {
        detail: `${conflict.ins}: ${conflict.traits.join(', ')}`,
      }),
    );
}

/** The user's choice on a pending conflict (compose panel). */
export async function settlePatientConflict(ins: string, accept: boolean): Promise<void> {
  const next = resolveConflict(await knownPatients(), await patientConflicts(), ins, accept);
  await browser.storage.local.set({
    [PATIENTS_KEY]: next.list,
    [PATIENT_CONFLICTS_KEY]: next.conflicts,
  });
}
