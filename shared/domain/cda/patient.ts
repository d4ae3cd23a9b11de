import type { PartialDate } from './dates';
import { type InsOid, type InsOidKind, INS_OIDS, isInsOid } from '../ins/oids';

/**
 * A patient as one CDA header describes them. The CI-SIS header names the patient with qualified
 * parts (docs/domain.md, "Names in a CI-SIS header"): `family qualifier="BR"` the birth name,
 * `family qualifier="CL"` (or `SP`) the used name; `given` without qualifier the list of birth
 * first names, `given qualifier="BR"` the first of them, `given qualifier="CL"` the used one.
 */
export interface PatientIdentity {
  /** The INS matricule and its OID, when an `id` carries one of the INS OIDs. */
  readonly ins?: { readonly value: string; readonly oid: InsOid; readonly kind: InsOidKind };
  /** Other identifiers (local IPP…), `root` + `extension`. */
  readonly otherIds: readonly { readonly root: string; readonly extension?: string }[];
  /** `family qualifier="BR"`, else a `family` without qualifier. Never the used name. */
  readonly birthName?: string;
  /** `family qualifier="CL"` or `"SP"`: the used name. */
  readonly usualName?: string;
  /** The `given` elements without qualifier, in order: the list of birth first names. */
  readonly birthGivenNames: readonly string[];
  /** `given qualifier="BR"`: the first birth first name, as the header writes it. */
  readonly firstBirthGiven?: string;
  /** `given qualifier="CL"` or `"SP"`: the used first name. */
  readonly usedGiven?: string;
  /** `administrativeGenderCode/@code`: M, F or U. */
  readonly sex?: string;
  readonly birthDate?: PartialDate;
}

/**
 * The first birth first name (INS-RNIV "premier prénom de naissance"): the `BR` given; without
 * it, the first name of the list. One unqualified `given` holds the whole list, space-separated
 * (`DOMINIQUE MARIE-LOUISE` → `DOMINIQUE`); several unqualified `given` (plain HL7) hold one first
 * name each, and the first element is taken whole. The used first name is never taken.
 */
export function firstName(p: PatientIdentity): string | undefined {
  if (p.firstBirthGiven) return p.firstBirthGiven;
  const [first, ...rest] = p.birthGivenNames;
  if (first === undefined) return undefined;
  return rest.length > 0 ? first : first.split(' ')[0];
}

/** The list of birth first names, space-separated, as one string. */
export function birthGivenList(p: PatientIdentity): string | undefined {
  const list = p.birthGivenNames.join(' ').trim();
  return list.length > 0 ? list : undefined;
}

/** The name the subject and PDF names carry (seed 001 §3.1.3: birth name, else the used name). */
export function displayName(p: PatientIdentity): string | undefined {
  return p.birthName ?? p.usualName;
}

/**
 * Qualified INS (ECO.2.4.2, seed 001 §3.8.2): the matricule with a known INS OID *and* the four
 * identity traits as INS-RNIV defines them: birth name (not the used name), first birth first
 * name (not the used one), birth date and sex (M or F; U means unknown).
 */
export function isQualified(p: PatientIdentity): boolean {
  return (
    p.ins !== undefined &&
    isInsOid(p.ins.oid) &&
    !!p.birthName &&
    !!firstName(p) &&
    p.birthDate !== undefined &&
    (p.sex === 'M' || p.sex === 'F')
  );
}

export function insFromId(
  root: string | undefined,
  extension: string | undefined,
): PatientIdentity['ins'] {
  if (!isInsOid(root) || !extension) return undefined;
  return { value: extension.trim(), oid: root, kind: INS_OIDS[root] };
}
