import { MssanteError } from '../../errors/mssante-error';
import { type PartialDate, toIsoPartial } from '../cda/dates';
import { toRnivName } from '../identity/rniv';
import { checkIns, type InsInfo, isValidIns, patientAddress } from '../ins/ins';
import type { XdmPatient } from '../xdm/patient';
import { classifySender } from './sender';

/**
 * The known patients a professional may write to (ECO.2.2.6, ECO.3.1.5). Kept by the add-on in
 * `storage.local` under PATIENTS_KEY; the receive side may append entries with source `xdm` or
 * `mes`, the compose side adds the patients of attached XDMs and those the user entered.
 */
export const PATIENTS_KEY = 'patients.known';

export interface KnownPatient {
  /** The 15-character INS matricule (NIR/NIA + key). */
  readonly ins: string;
  readonly birthName?: string;
  readonly firstName?: string;
  /** ISO partial date (`1960-02-01`, `1960-02`, `1960`). */
  readonly birthDate?: string;
  readonly sex?: string;
  /** Qualified INS (ECO.2.4.2): the only one an address may be built from without derogation. */
  readonly qualified: boolean;
  readonly source: 'xdm' | 'mes' | 'user';
  /** Set when the professional confirmed a typed NIR's sex and birth month/year (derogation). */
  readonly confirmedAt?: string;
}

/**
 * A known patient from an XDM's patient, when it has an INS. Qualified only when the archive's
 * patient is (an INS OID and the four traits in the CDA header, ECO.2.4.2) and the INS's key is
 * right: an archive is never trusted for more than its checks show.
 */
export function knownFromXdm(patient: XdmPatient): KnownPatient | undefined {
  if (!patient.ins || !isValidIns(patient.ins)) return undefined;
  return {
    ins: checkIns(patient.ins, 2000).value,
    ...(patient.birthName ? { birthName: toRnivName(patient.birthName) } : {}),
    ...(patient.firstName ? { firstName: patient.firstName } : {}),
    ...(patient.birthDate ? { birthDate: toIsoPartial(patient.birthDate) } : {}),
    ...(patient.sex ? { sex: patient.sex } : {}),
    qualified: patient.qualified === true,
    source: 'xdm',
  };
}

/**
 * A known patient from a Mon espace santé sender (`Prénom Nom <INS@patient.mssante.fr>`, ECO.3.1.2).
 * Never qualified (issue 19.4): the From header, display name and address alike, is whatever
 * the sender wrote, so the picker offers the patient but builds no address until the user
 * confirms the number (the NIR derogation, `confirmNir`). The name is the MES display name
 * (first word the first name, the rest the name), in INS-RNIV form.
 */
export function knownFromMes(from: string): KnownPatient | undefined {
  const sender = classifySender(from);
  if (sender.kind !== 'patient' || !sender.ins) return undefined;
  return {
    ins: sender.ins,
    ...(sender.lastName ? { birthName: toRnivName(sender.lastName) } : {}),
    ...(sender.firstName ? { firstName: sender.firstName } : {}),
    qualified: false,
    source: 'mes',
  };
}

/** Reads a stored list, dropping entries that are not patients with a valid INS. */
export function readKnown(raw: unknown): KnownPatient[] {
  if (!Array.isArray(raw)) return [];
  const out: KnownPatient[] = [];
  for (const item of raw as Array<Record<string, unknown>>) {
    if (!item || typeof item.ins !== 'string') continue;
    try {
      checkIns(item.ins, 2000);
    } catch {
      continue;
    }
    out.push(item as unknown as KnownPatient);
  }
  return out;
}

/**
 * ECO.2.2.6: the address of a known patient, only from a qualified INS or a confirmed NIR.
 */
export function addressOfKnown(patient: KnownPatient): string {
  if (!patient.qualified && !patient.confirmedAt)
    throw new MssanteError('E_COMPOSE_PATIENT_UNCHECKED', { detail: patient.ins });
  return patientAddress(patient.ins);
}

/** What the typed NIR encodes, for the professional to confirm (derogation, step 1). */
export function describeNir(nir: string, referenceYear: number): InsInfo {
  return checkIns(nir, referenceYear);
}

/**
 * Derogation, step 2: the professional confirmed the sex and birth month/year the number
 * encodes; only then the patient is known (not qualified) and an address may be built.
 */
export function confirmNir(
  nir: string,
  confirmed: { sex: 'M' | 'F'; birthYear: number; birthMonth: number | null },
  referenceYear: number,
  at: Date,
  names: { birthName?: string; firstName?: string } = {},
): KnownPatient {
  const info = checkIns(nir, referenceYear);
  if (
    info.sex !== confirmed.sex ||
    info.birthYear !== confirmed.birthYear ||
    info.birthMonth !== confirmed.birthMonth
  )
    throw new MssanteError('E_COMPOSE_PATIENT_UNCHECKED', { detail: 'not confirmed' });
  const birth: PartialDate | undefined =
    info.birthMonth !== null ? { year: info.birthYear, month: info.birthMonth } : undefined;
  return {
    ins: info.value,
    ...(names.birthName ? { birthName: toRnivName(names.birthName) } : {}),
    ...(names.firstName ? { firstName: names.firstName.trim() } : {}),
    birthDate: birth ? toIsoPartial(birth) : String(info.birthYear),
    sex: info.sex,
    qualified: false,
    source: 'user',
    confirmedAt: at.toISOString(),
  };
}

/** Addresses the compose plan accepts as checked (ECO.2.2.6). */
export function checkedAddresses(list: readonly KnownPatient[]): string[] {
  return list.filter((p) => p.qualified || p.confirmedAt).map((p) => patientAddress(p.ins));
}
