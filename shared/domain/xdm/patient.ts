import { MssanteError } from '../../errors/mssante-error';
import type { CdaHeader } from '../cda/header';
import { type PartialDate, toIsoPartial } from '../cda/dates';
import { type PatientIdentity, firstName, isQualified } from '../cda/patient';
import { toRnivName } from '../identity/rniv';
import { isInsOid } from '../ins/oids';
import type { CxId, XdsMetadata } from './metadata';

/** The one patient of an XDM archive (ECO.2.1.1), as the add-on shows and uses them. */
export interface XdmPatient {
  /** ECO.2.1.2: from METADATA.XML `patientId` when it is an INS, else from the CDA header. */
  readonly ins?: string;
  readonly oid?: string;
  readonly birthName?: string;
  readonly firstName?: string;
  readonly birthDate?: PartialDate;
  readonly sex?: string;
  /** ECO.2.4.2: a CDA header holds the INS (known OID) and the four traits. */
  readonly qualified: boolean;
}

const sameCx = (a: CxId, b: CxId) => a.id === b.id && (a.oid ?? '') === (b.oid ?? '');

function refuse(detail: string): never {
  throw new MssanteError('E_XDM_TWO_PATIENTS', { detail });
}

/**
 * Checks that metadata and every CDA header describe one patient, and merges what they say.
 * Two different patient ids in the metadata, two different INS, or two different birth names,
 * first names or birth dates (compared in INS-RNIV form) are refused.
 */
export function mergePatient(metadata: XdsMetadata, headers: readonly CdaHeader[]): XdmPatient {
  const ids: CxId[] = [...metadata.submissionSetPatientIds];
  for (const d of metadata.documents) if (d.patientId) ids.push(d.patientId);
  const metaId = ids[0];
  if (ids.some((id) => !sameCx(id, metaId!))) refuse('different patientId in METADATA.XML');

  const patients: PatientIdentity[] = headers.map((h) => h.patient);
  let ins = metaId && isInsOid(metaId.oid) ? { value: metaId.id, oid: metaId.oid } : undefined;
  for (const p of patients) {
    if (!p.ins) continue;
    if (!ins) ins = { value: p.ins.value, oid: p.ins.oid };
    else if (p.ins.value !== ins.value || p.ins.oid !== ins.oid) refuse('different INS');
  }
  const agree = <T>(
    values: (T | undefined)[],
    key: (v: T) => string,
    what: string,
  ): T | undefined => {
    let found: T | undefined;
    for (const v of values) {
      if (v === undefined) continue;
      if (found === undefined) found = v;
      else if (key(found) !== key(v)) refuse(`different ${what}`);
    }
    return found;
  };
  const birthName = agree(
    patients.map((p) => p.birthName),
    toRnivName,
    'birth names',
  );
  const first = agree(patients.map(firstName), toRnivName, 'first names');
  const birthDate = agree(
    patients.map((p) => p.birthDate),
    toIsoPartial,
    'birth dates',
  );
  const sex = agree(
    patients.map((p) => (p.sex === 'M' || p.sex === 'F' ? p.sex : undefined)),
    (s) => s,
    'sexes',
  );
  const qualified = patients.some((p) => isQualified(p) && (!ins || p.ins?.value === ins.value));
  return {
    ...(ins ? { ins: ins.value, oid: ins.oid } : {}),
    ...(birthName ? { birthName } : {}),
    ...(first ? { firstName: first } : {}),
    ...(birthDate ? { birthDate } : {}),
    ...(sex ? { sex } : {}),
    qualified,
  };
}
