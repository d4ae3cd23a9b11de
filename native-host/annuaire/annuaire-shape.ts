import type { AnnuaireEntry } from '../../shared/domain/annuaire/entry';
import { PATIENT_DOMAIN } from '../../shared/domain/ins/ins';
import type { Params, Result } from '../../shared/protocol/index';
import type { AnnuaireCriteria } from './criteria';
import type { AnnuaireSearchResult } from './ldap-client';
import type { ImportReport } from './offline-import';

type WireResult = Result<'annuaire.search'>;
type WireEntry = WireResult['entries'][number];
export type WireImportReport = NonNullable<Result<'annuaire.status'>['offline']>;

/**
 * A patient's MES address (`<INS>@patient.mssante.fr`, or a sub-domain of it). Patients are never
 * proposed from the Annuaire (ECO.3.1.4): they come from the patient picker.
 */
export function isPatientAddress(mail: string): boolean {
  const domain = mail.slice(mail.lastIndexOf('@') + 1).toLowerCase();
  return domain === PATIENT_DOMAIN || domain.endsWith(`.${PATIENT_DOMAIN}`);
}

/** The fields a user needs to choose a recipient, from either source's entry. */
export function wireEntry(e: AnnuaireEntry): WireEntry {
  return {
    mail: e.mail,
    mailboxType: e.mailboxType,
    civility: e.civility,
    lastName: e.lastName,
    firstName: e.firstName,
    profession: e.profession.label || e.profession.code,
    speciality: e.speciality.label || e.speciality.code,
    organisation: e.organisation,
    service: e.service,
    postalCode: e.postalCode,
    city: e.city,
  };
}

/**
 * A source's answer as the protocol carries it: patients left out, at most `limit` entries;
 * `truncated` when the source had more or when the limit cut some.
 */
export function shapeResult(
  found: AnnuaireSearchResult,
  source: WireResult['source'],
  limit: number,
): WireResult {
  const kept = found.entries.filter((e) => !isPatientAddress(e.mail));
  return {
    entries: kept.slice(0, limit).map(wireEntry),
    truncated: found.truncated || kept.length > limit,
    source,
  };
}

/** The offline index's import report, as the protocol carries it. */
export function wireReport(r: ImportReport): WireImportReport {
  return {
    source: r.source,
    importedAt: r.importedAt,
    lines: r.counts.lines,
    entries: r.entries,
    duplicates: r.duplicates,
    skipped: Object.values(r.counts.malformed).reduce((a, b) => a + b, 0),
    missingColumns: r.missingColumns ?? [],
  };
}

/** The protocol's criteria as the sources take them: blank values left out. */
export function criteriaOf(wire: Params<'annuaire.search'>['criteria']): AnnuaireCriteria {
  const criteria: AnnuaireCriteria = {};
  for (const [key, value] of Object.entries(wire) as [keyof AnnuaireCriteria, string?][])
    if (value !== undefined && value.trim() !== '') criteria[key] = value;
  return criteria;
}
