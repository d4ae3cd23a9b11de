import assert from 'node:assert/strict';
import { isIn } from '../../../extension/background/receive/checks';
import {
  addressOfKnown,
  confirmNir,
  type KnownPatient,
  knownFromMes,
  knownFromXdm,
} from '../../../shared/domain/mail/compose-patients';
import {
  addConflict,
  admitKnown,
  readConflicts,
  resolveConflict,
} from '../../../shared/domain/mail/patient-admission';
import { inspectXdm } from '../../../shared/domain/xdm/reader';
import { bytesSource } from '../../../shared/domain/zip/source';
import { MssanteError } from '../../../shared/errors/mssante-error';
import { BIO, buildXdm, VIAL_PAUL } from '../../../lab/fixtures/xdm/generate';
import { LEO } from '../../../lab/sandbox/people';

const VIAL_INS = VIAL_PAUL.ins!;
const AT = new Date('2026-12-06T10:00:00Z');
const leoFromMes = knownFromMes(`Léo Dupond <${LEO.address}>`)!;
const xdmPatient = async () =>
  knownFromXdm((await inspectXdm(bytesSource(buildXdm({ documents: [BIO] })))).patient)!;

describe('hostile: patient picker poisoning (issue 19.4)', () => {
  it('hostile: a spoofed Mon espace santé From is never a qualified patient: no address until the user confirms the NIR', () => {
    // Anyone can write `Jean Martin <ANY-VALID-INS@patient.mssante.fr>` in a From.
    const spoof = knownFromMes(`Jean Martin <${LEO.address}>`)!;
    assert.equal(spoof.qualified, false);
    assert.equal(spoof.confirmedAt, undefined);
    assert.throws(
      () => addressOfKnown(spoof),
      (e: MssanteError) => e.code === 'E_COMPOSE_PATIENT_UNCHECKED',
    );
    // Admitted, it stays unqualified; the user's confirmation of the number gives the address.
    const { list } = admitKnown([], spoof, AT);
    assert.equal(list[0]!.qualified, false);
    const confirmed = confirmNir(LEO.ins, { sex: 'F', birthYear: 1979, birthMonth: 3 }, 2026, AT, {
      birthName: 'Martin',
      firstName: 'Jean',
    });
    const after = admitKnown(list, confirmed, AT);
    assert.equal(after.conflict, undefined);
    assert.equal(after.list.length, 1);
    assert.equal(after.list[0]!.confirmedAt, AT.toISOString());
    assert.equal(addressOfKnown(after.list[0]!), LEO.address);
  });

  it('hostile: a mail giving a known patient another name keeps the stored identity and records a conflict for the user', async () => {
    const vial = await xdmPatient();
    assert.equal(vial.qualified, true);
    const spoof = knownFromMes(`Eve Attaquante <${VIAL_INS}@patient.mssante.fr>`)!;
    const { list, conflict } = admitKnown([vial], spoof, AT);
    assert.deepEqual(list, [vial], 'the stored identity is untouched');
    assert.deepEqual(conflict, {
      ins: VIAL_INS,
      incoming: spoof,
      traits: ['birthName', 'firstName'],
      at: AT.toISOString(),
    });
    // Same identity (names compared in INS-RNIV form): no conflict, nothing downgraded.
    const same = knownFromMes(`paul vial <${VIAL_INS}@patient.mssante.fr>`)!;
    const quiet = admitKnown([vial], same, AT);
    assert.equal(quiet.conflict, undefined);
    assert.deepEqual(quiet.list, [vial]);
  });

  it('hostile: an unqualified newcomer neither qualifies an entry nor fills its missing traits; a qualified archive does', async () => {
    const bare: KnownPatient = { ins: VIAL_INS, qualified: false, source: 'mes' };
    const fromMail = knownFromMes(`Paul Vial <${VIAL_INS}@patient.mssante.fr>`)!;
    assert.deepEqual(admitKnown([bare], fromMail, AT).list, [bare]);
    const vial = await xdmPatient();
    const upgraded = admitKnown([bare], vial, AT).list[0]!;
    assert.equal(upgraded.qualified, true);
    assert.equal(upgraded.birthName, 'VIAL');
    assert.equal(upgraded.birthDate, vial.birthDate);
  });

  it('hostile: an archive whose patient is not qualified, or whose INS key is wrong, is never a qualified patient', async () => {
    const inspection = await inspectXdm(bytesSource(buildXdm({ documents: [BIO] })));
    assert.equal(knownFromXdm({ ...inspection.patient, qualified: false })!.qualified, false);
    const badKey = VIAL_INS.slice(0, 13) + (VIAL_INS.endsWith('00') ? '01' : '00');
    assert.equal(knownFromXdm({ ...inspection.patient, ins: badKey }), undefined);
  });

  it('hostile: the user settles a conflict: keep leaves the stored identity, accept takes the incoming one (qualified only if it is)', async () => {
    const vial = await xdmPatient();
    const spoof = knownFromMes(`Eve Attaquante <${VIAL_INS}@patient.mssante.fr>`)!;
    const { conflict } = admitKnown([vial], spoof, AT);
    const pending = addConflict([], conflict!);
    // A second conflict for the same INS replaces the first (one question per patient).
    assert.equal(addConflict(pending, { ...conflict!, at: 'later' }).length, 1);
    const kept = resolveConflict([vial], pending, VIAL_INS, false);
    assert.deepEqual(kept, { list: [vial], conflicts: [] });
    const accepted = resolveConflict([vial], pending, VIAL_INS, true);
    assert.deepEqual(accepted.conflicts, []);
    assert.equal(accepted.list[0]!.birthName, 'ATTAQUANTE');
    assert.equal(accepted.list[0]!.qualified, false);
    assert.throws(() => addressOfKnown(accepted.list[0]!));
    // Stored conflicts are read back checked: junk and mismatched INS are dropped.
    assert.deepEqual(readConflicts(pending), pending);
    assert.deepEqual(readConflicts([{ ...conflict!, ins: '123' }, 'x', null]), []);
    assert.deepEqual(readConflicts([{ ...conflict!, ins: leoFromMes.ins }]), []);
  });

  it('hostile: only the MSSanté accounts’ mail feeds the picker (a message of another account is not read)', () => {
    const accounts = new Set(['account1']);
    assert.equal(isIn({ folder: { accountId: 'account1' } }, accounts), true);
    assert.equal(isIn({ folder: { accountId: 'account2' } }, accounts), false);
    assert.equal(isIn({}, accounts), false);
  });
});
