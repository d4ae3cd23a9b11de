import type { PartialDate } from './dates';
import { type InsOid, type InsOidKind, INS_OIDS, isInsOid } from '../ins/oids';

/** A patient as one CDA header (or the XDS metadata) describes them. */
export interface PatientIdentity {
  /** The INS matricule and its OID, when an `id` carries one of the INS OIDs. */
  readonly ins?: { readonly value: string; readonly oid: InsOid; readonly kind: InsOidKind };
  /** Other identifiers (local IPP…), `root` + `extension`. */
  readonly otherIds: readonly { readonly root: string; readonly extension?: string }[];
  /** `family qualifier="BR"`, else the only `family`. */
  readonly birthName?: string;
  /** A `family` with another qualifier (SP, CL…) when a birth name exists too. */
  readonly usualName?: string;
  /** `given` elements in order, without the `CL` (used first name) one. */
  readonly givenNames: readonly string[];
  /** `administrativeGenderCode/@code`: M, F or U. */
  readonly sex?: string;
  readonly birthDate?: PartialDate;
}

/** The first given name (INS "premier prénom de naissance"). */
export function firstName(p: PatientIdentity): string | undefined {
  return p.givenNames[0];
}

/**
 * Qualified INS (ECO.2.4.2, seed 001 §3.8.2): the matricule with a known INS OID *and* the four
 * identity traits birth name, first given name, birth date and sex (M or F; U means unknown).
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
