import * as z from '../../zod';
import { panelView } from '../view';

const ins = z.string().check(z.minLength(1), z.maxLength(64));
const name = z.string().check(z.maxLength(200));

/** ECO.2.2.6: a known patient (qualified INS or confirmed NIR) becomes a recipient. */
export const patientAdd = {
  type: 'patient.add',
  params: z.object({ ins }),
  result: panelView,
  deadlineMs: 30_000,
} as const;

/**
 * ECO.2.2.6 derogation: a typed NIR whose sex and birth month/year the professional confirmed.
 * The numbers are checked against the NIR by the background (E_COMPOSE_PATIENT_UNCHECKED).
 */
export const patientConfirmNir = {
  type: 'patient.confirmNir',
  params: z.object({
    nir: ins,
    sex: z.enum(['M', 'F']),
    birthYear: z.number(),
    birthMonth: z.nullable(z.number()),
    birthName: name,
    firstName: name,
  }),
  result: panelView,
  deadlineMs: 30_000,
} as const;

/** Issue 19.4: the user's choice on a pending identity conflict (accept the incoming one or keep). */
export const patientResolveConflict = {
  type: 'patient.resolveConflict',
  params: z.object({ ins, accept: z.boolean() }),
  result: panelView,
  deadlineMs: 30_000,
} as const;
