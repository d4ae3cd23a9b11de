import { MssanteError } from '../../errors/mssante-error';
import type { CdaHeader } from '../cda/header';
import { type PartialDate, toIsoPartial } from '../cda/dates';
import { type PatientIdentity, birthGivenList, firstName, isQualified } from '../cda/patient';
import { toRnivName } from '../identity/rniv';
import { isInsOid } from '../ins/oids';
import type { CxId, XdsMetadata } from './metadata';

/** The one patient of an XDM archive (ECO.2.1.1), as the add-on shows and uses them. */
export interface XdmPatient {
  /** ECO.2.1.2: from METADATA.XML `patientId` when it is an INS, else from the CDA header. */
  readonly ins?: string;
  readonly oid?: string;
  /** The birth name (`family qualifier="BR"`, else an unqualified `family`). */
  readonly birthName?: string;
  /** The used name (`family qualifier="CL"` or `"SP"`). */
  readonly usualName?: string;
  /** The first birth first name (RNIV "premier prénom de naissance"), see `firstName`. */
  readonly firstName?: string;
  /** The list of birth first names, space-separated. */
  readonly birthGivenNames?: string;
  /** The used first name (`given qualifier="CL"` or `"SP"`). */
  readonly usedFirstName?: string;
  readonly birthDate?: PartialDate;
  readonly sex?: string;
  /** ECO.2.4.2: a CDA header holds the INS (known OID) and the four traits. */
  readonly qualified: boolean;
}

/** Seed 001 §3.1.3, `<NOM>`: the birth name "si disponible sinon … le nom usuel". */
export function nameOnSubject(patient: XdmPatient): string | undefined {
  return patient.birthName ?? patient.usualName;
}

const sameCx = (a: CxId, b: CxId) => a.id === b.id && (a.oid ?? '') === (b.oid ?? '');

function refuse(detail: string): never {
  throw new MssanteError('E_XDM_TWO_PATIENTS', { detail });
}

/**
 * Checks that metadata and every CDA header describe one patient, and merges what they say.
 * Two different patient ids in the metadata, two different INS (the metadata's `patientId` and a
 * header's included), or two different birth names, first birth first names, lists of birth
 * first names or birth dates (compared in INS-RNIV form) are refused. Like is compared with like
 * only: a used name or used first name is never compared with a birth one, nor between headers
 * (it is not an INS trait and may change between documents).
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
  const first = agree(patients.map(firstName), toRnivName, 'first birth first names');
  const givenList = agree(patients.map(birthGivenList), toRnivName, 'lists of birth first names');
  const usualName = patients.find((p) => p.usualName)?.usualName;
  const usedFirstName = patients.find((p) => p.usedGiven)?.usedGiven;
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
    ...(usualName ? { usualName } : {}),
    ...(first ? { firstName: first } : {}),
    ...(givenList ? { birthGivenNames: givenList } : {}),
    ...(usedFirstName ? { usedFirstName } : {}),
    ...(birthDate ? { birthDate } : {}),
    ...(sex ? { sex } : {}),
    qualified,
  };
}
