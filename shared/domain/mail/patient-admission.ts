import { toRnivName } from '../identity/rniv';
import { isValidIns } from '../ins/ins';
import type { KnownPatient } from './compose-patients';

/**
 * How a patient enters the compose picker's list (issue 19.4). A new INS is added; for an INS
 * already known, the identity traits (birth name, first name, birth date, sex) are never
 * overwritten silently: when the newcomer says something else, the stored entry stays and a
 * pending conflict is kept for the user to settle in the compose panel. Only a qualified
 * newcomer may make an entry qualified or fill a trait it lacks.
 */
export const PATIENT_CONFLICTS_KEY = 'patients.conflicts';

export type Trait = 'birthName' | 'firstName' | 'birthDate' | 'sex';
const TRAITS: readonly Trait[] = ['birthName', 'firstName', 'birthDate', 'sex'];

/** An identity for a known INS that differs from the stored one, waiting for the user. */
export interface PatientConflict {
  readonly ins: string;
  /** The identity the newer message, archive or entry gives. */
  readonly incoming: KnownPatient;
  /** The traits that differ. */
  readonly traits: readonly Trait[];
  /** ISO time it was seen. */
  readonly at: string;
}

export interface Admission {
  readonly list: KnownPatient[];
  /** Set when the newcomer differs from the stored identity (the list is then unchanged). */
  readonly conflict?: PatientConflict;
}

/** Names compare in INS-RNIV form; dates and sex as written. */
function same(trait: Trait, a: string, b: string): boolean {
  return trait === 'birthName' || trait === 'firstName'
    ? toRnivName(a) === toRnivName(b)
    : a.trim() === b.trim();
}

/** The traits both identities give and that differ. */
function differingTraits(stored: KnownPatient, incoming: KnownPatient): Trait[] {
  return TRAITS.filter((t) => {
    const a = stored[t];
    const b = incoming[t];
    return a !== undefined && b !== undefined && !same(t, a, b);
  });
}

/** The traits the stored entry lacks, from a newcomer trusted to give them. */
function filled(stored: KnownPatient, incoming: KnownPatient): Partial<KnownPatient> {
  const out: Partial<Record<Trait, string>> = {};
  for (const t of TRAITS)
    if (stored[t] === undefined && incoming[t] !== undefined) out[t] = incoming[t];
  return out;
}

/** Adds a patient to the list, or keeps the stored identity and returns a conflict. */
export function admitKnown(
  list: readonly KnownPatient[],
  incoming: KnownPatient,
  at: Date,
): Admission {
  const index = list.findIndex((p) => p.ins === incoming.ins);
  if (index < 0) return { list: [...list, incoming] };
  const stored = list[index]!;
  const traits = differingTraits(stored, incoming);
  if (traits.length > 0)
    return {
      list: [...list],
      conflict: { ins: incoming.ins, incoming, traits, at: at.toISOString() },
    };
  // The user's own confirmation (derogation) or a qualified archive may add what is missing.
  const trusted = incoming.qualified || incoming.source === 'user';
  const merged: KnownPatient = {
    ...stored,
    ...(trusted ? filled(stored, incoming) : {}),
    qualified: stored.qualified || incoming.qualified,
    ...(!stored.confirmedAt && incoming.confirmedAt ? { confirmedAt: incoming.confirmedAt } : {}),
  };
  return { list: list.map((p, i) => (i === index ? merged : p)) };
}

/** Keeps one pending conflict per INS, the latest. */
export function addConflict(
  conflicts: readonly PatientConflict[],
  conflict: PatientConflict,
): PatientConflict[] {
  return [...conflicts.filter((c) => c.ins !== conflict.ins), conflict];
}

/**
 * The user's choice on a pending conflict: `accept` replaces the stored identity by the
 * incoming one (qualified only if the newcomer is, with its own confirmation), `keep` leaves
 * it. Either way the conflict is gone. An INS without conflict changes nothing.
 */
export function resolveConflict(
  list: readonly KnownPatient[],
  conflicts: readonly PatientConflict[],
  ins: string,
  accept: boolean,
): { list: KnownPatient[]; conflicts: PatientConflict[] } {
  const conflict = conflicts.find((c) => c.ins === ins);
  const rest = conflicts.filter((c) => c.ins !== ins);
  if (!conflict || !accept) return { list: [...list], conflicts: rest };
  const index = list.findIndex((p) => p.ins === ins);
  const next =
    index < 0
      ? [...list, conflict.incoming]
      : list.map((p, i) => (i === index ? conflict.incoming : p));
  return { list: next, conflicts: rest };
}

/** Reads stored conflicts, dropping any that is not one (bad INS, incoming for another INS). */
export function readConflicts(raw: unknown): PatientConflict[] {
  if (!Array.isArray(raw)) return [];
  return (raw as Array<Record<string, unknown>>).filter((c): boolean => {
    if (!c || typeof c.ins !== 'string' || !isValidIns(c.ins)) return false;
    const incoming = c.incoming as Record<string, unknown> | undefined;
    return (
      !!incoming && incoming.ins === c.ins && Array.isArray(c.traits) && typeof c.at === 'string'
    );
  }) as unknown as PatientConflict[];
}
