import { addressOfKnown, confirmNir } from '../../../../shared/domain/mail/compose-patients';
import { MssanteError } from '../../../../shared/errors/mssante-error';
import { knownPatients, rememberPatient, settlePatientConflict } from '../settings';
import { type Handler, onTab, type Tab } from './panel';

/** Adds `address` to the To field unless a recipient already holds it. */
async function addRecipient(tab: Tab, address: string): Promise<void> {
  const list = tab.details.to;
  const to = (list === undefined ? [] : Array.isArray(list) ? list : [list]).filter(
    (r): r is string => typeof r === 'string',
  );
  if (!to.some((r) => r.toLowerCase().includes(address.toLowerCase())))
    await browser.compose.setComposeDetails(tab.id, { to: [...to, address] });
}

export const handleAddPatient: Handler<'patient.add'> = ({ ins }, panel) =>
  onTab(panel, async (tab) => {
    const patient = (await knownPatients()).find((p) => p.ins === ins);
    if (!patient) throw new MssanteError('E_COMPOSE_PATIENT_UNCHECKED');
    await addRecipient(tab, addressOfKnown(patient));
  });

/** ECO.2.2.6 derogation: the NIR is remembered and written to once its facts are confirmed. */
export const handleConfirmNir: Handler<'patient.confirmNir'> = (params, panel) =>
  onTab(panel, async (tab) => {
    const now = new Date();
    const patient = confirmNir(
      params.nir,
      { sex: params.sex, birthYear: params.birthYear, birthMonth: params.birthMonth },
      now.getFullYear(),
      now,
      {
        ...(params.birthName ? { birthName: params.birthName } : {}),
        ...(params.firstName ? { firstName: params.firstName } : {}),
      },
    );
    await rememberPatient(patient);
    await addRecipient(tab, addressOfKnown(patient));
  });

/** Issue 19.4: the user accepts the incoming identity of a known patient, or keeps the stored one. */
export const handleResolveConflict: Handler<'patient.resolveConflict'> = ({ ins, accept }, panel) =>
  onTab(panel, () => settlePatientConflict(ins, accept));
