import assert from 'node:assert/strict';
import { MssanteError } from '../../../shared/errors/mssante-error';
import {
  DEFAULT_NIL,
  appMention,
  codeCdaHeader,
  mssHeaders,
  parseCodeCdaHeader,
  withAppMention,
} from '../../../shared/domain/mail/headers';
import {
  checkFromLabel,
  composeFromLabel,
  displayTitle,
  formatMailbox,
  fromLabelFor,
  suggestedFromLabel,
} from '../../../shared/domain/mail/from-label';
import { classifySender } from '../../../shared/domain/mail/sender';
import { composePdfName, parsePdfName } from '../../../shared/domain/mail/pdf-name';
import { xoauth2InitialResponse } from '../../../shared/domain/xoauth2';
import { insWithKey } from '../../../lab/fixtures/xdm/templates';

const is = (code: string) => (e: unknown) => e instanceof MssanteError && e.code === code;

describe('MSSanté headers (ECO.2.4.x, ECO.2.2.5, ECO.2.2.8, ECO.2.3.1)', () => {
  it('ECO.2.4.1 X-MSS-CODECDA holds the codes in document order, comma-separated', () => {
    assert.equal(codeCdaHeader(['34112-3', 'PRESC-BIO', '15508-5']), '34112-3, PRESC-BIO, 15508-5');
    assert.deepEqual(parseCodeCdaHeader('34112-3, PRESC-BIO,15508-5'), [
      '34112-3',
      'PRESC-BIO',
      '15508-5',
    ]);
  });

  it('ECO.2.4.1 ECO.2.4.2 ECO.2.4.3 sets X-MSS-CODECDA and X-MSS-INS only with an XDM, X-MSS-NIL always', () => {
    assert.deepEqual(mssHeaders({}), [['X-MSS-NIL', DEFAULT_NIL]]);
    assert.deepEqual(
      mssHeaders({ xdm: { codes: ['11502-2'], qualifiedIns: true }, nil: 'REF-123' }),
      [
        ['X-MSS-CODECDA', '11502-2'],
        ['X-MSS-INS', 'O'],
        ['X-MSS-NIL', 'REF-123'],
      ],
    );
    assert.deepEqual(mssHeaders({ xdm: { codes: ['11502-2'], qualifiedIns: false } })[1], [
      'X-MSS-INS',
      'N',
    ]);
  });

  it('ECO.2.2.8 ECO.2.3.1 ECO.2.2.5 adds X-MSS-MES: FIN, Return-Receipt-To and Reply-To on request', () => {
    const h = mssHeaders({
      endPatientConversation: true,
      deliveryReceiptTo: 'marie.martin@medecin.mssante.fr',
      replyTo: 'secretariat@hopital.mssante.fr',
    });
    assert.deepEqual(h.slice(1), [
      ['X-MSS-MES', 'FIN'],
      ['Return-Receipt-To', '<marie.martin@medecin.mssante.fr>'],
      ['Reply-To', 'secretariat@hopital.mssante.fr'],
    ]);
  });

  it('refuses header injection (line breaks) with E_HEADER_INVALID', () => {
    assert.throws(() => mssHeaders({ nil: 'REF\r\nBcc: x@y.fr' }), is('E_HEADER_INVALID'));
    assert.throws(() => codeCdaHeader([]), is('E_HEADER_INVALID'));
    assert.throws(() => mssHeaders({ replyTo: 'not an address' }), is('E_ADDRESS_INVALID'));
  });

  it('ECO.2.2.5 ends an APP message with the automatic-generation mention naming the contact mailbox', () => {
    assert.equal(
      appMention('secretariat@hopital.mssante.fr'),
      "Ce message a été généré automatiquement. Pour contacter l'émetteur, écrivez à secretariat@hopital.mssante.fr (messagerie MSSanté).",
    );
    const body = withAppMention('Résultats disponibles.\n', 'secretariat@hopital.mssante.fr');
    assert.ok(
      body.startsWith('Résultats disponibles.\n\n-- \nCe message a été généré automatiquement.'),
    );
    assert.equal(withAppMention(body, 'secretariat@hopital.mssante.fr'), body);
  });
});

describe('From display name (ECO.2.2.7)', () => {
  it('ECO.2.2.7 builds "Dr Marie MARTIN" for a personal mailbox and the entity for ORG/APP', () => {
    assert.equal(
      composeFromLabel('PER', { title: 'Dr', firstName: 'Marie', lastName: 'Martin' }),
      'Dr Marie MARTIN',
    );
    assert.equal(
      composeFromLabel('PER', {
        firstName: 'Marie',
        lastName: 'Martin',
        entity: 'Cabinet des Lilas',
      }),
      'Marie MARTIN Cabinet des Lilas',
    );
    assert.equal(
      composeFromLabel('ORG', { entity: 'Hôpital A – Service Cardiologie' }),
      'Hôpital A – Service Cardiologie',
    );
    assert.equal(
      formatMailbox('Dr Marie MARTIN', 'marie.martin@medecin.mssante.fr'),
      'Dr Marie MARTIN <marie.martin@medecin.mssante.fr>',
    );
    assert.equal(formatMailbox('MARTIN, Marie', 'm@x.fr'), '"MARTIN, Marie" <m@x.fr>');
  });

  it('ECO.2.2.7 refuses a personal label without first name or NAME, an ORG label without entity', () => {
    assert.throws(
      () => composeFromLabel('PER', { firstName: '', lastName: 'MARTIN' }),
      is('E_FROM_LABEL_INVALID'),
    );
    assert.throws(() => composeFromLabel('APP', { entity: '  ' }), is('E_FROM_LABEL_INVALID'));
    assert.deepEqual(checkFromLabel('PER', 'Dr Marie MARTIN'), []);
    assert.deepEqual(checkFromLabel('PER', 'Dr Marie Martin'), ['no NAME in upper case']);
    assert.deepEqual(checkFromLabel('PER', 'Dr MARTIN'), ['no first name']);
    assert.deepEqual(checkFromLabel('ORG', 'Hôpital C – Biologie'), []);
  });

  const MARIE = { givenName: 'Marie', familyName: 'Martin', civility: 'DR' };

  it('ECO.2.2.7 names a PER mailbox from the PSC identity: Dr Marie MARTIN', () => {
    assert.equal(fromLabelFor('PER', MARIE, ''), 'Dr Marie MARTIN');
    assert.equal(fromLabelFor('PER', MARIE, 'Cardiologie'), 'Dr Marie MARTIN Cardiologie');
    assert.equal(fromLabelFor('PER', { ...MARIE, civility: 'MME' }, ''), 'Mme Marie MARTIN');
    assert.equal(fromLabelFor('PER', { ...MARIE, civility: undefined }, ''), 'Marie MARTIN');
  });

  it('ECO.2.2.7 names ORG and APP mailboxes by the functional entity typed, and refuses none', () => {
    assert.equal(
      fromLabelFor('ORG', undefined, ' Secrétariat de cardiologie '),
      'Secrétariat de cardiologie',
    );
    assert.throws(() => fromLabelFor('APP', undefined, '  '), { code: 'E_FROM_LABEL_INVALID' });
    assert.throws(() => fromLabelFor('PER', undefined, ''), { code: 'E_PSC_NOT_SIGNED_IN' });
  });

  it('ECO.2.2.7 writes PSC civility codes as titles', () => {
    assert.deepEqual(
      ['DR', 'PR', 'M', 'MME', 'mlle', '', 'ING'].map((c) => displayTitle(c)),
      ['Dr', 'Pr', 'M.', 'Mme', 'Mlle', '', 'Ing'],
    );
  });

  it('ECO.2.2.7 offers a fix for a wrong label in the compose panel, from what it can tell', () => {
    const per = { address: 'marie.martin@x.fr', profile: 'PER' as const, fullName: 'marie martin' };
    assert.equal(suggestedFromLabel(per, undefined), 'marie MARTIN');
    assert.equal(suggestedFromLabel(per, { ...MARIE, civility: undefined }), 'Marie MARTIN');
    // The same title rule as the setup page's label: PSC's DR becomes Dr.
    assert.equal(suggestedFromLabel(per, MARIE), 'Dr Marie MARTIN');
    assert.equal(suggestedFromLabel({ ...per, fullName: 'Marie' }, undefined), undefined);
    assert.equal(
      suggestedFromLabel({ address: 'secretariat@x.fr', profile: 'ORG', fullName: ' ' }, undefined),
      'secretariat',
    );
  });
});

describe('sender classification (ECO.3.1.1, ECO.3.1.2)', () => {
  it('ECO.3.1.1 ECO.3.1.2 recognises a Mon espace santé patient and reads names and INS', () => {
    const ins = insWithKey('1781175123456');
    assert.deepEqual(classifySender(`Léo Dupond <${ins}@patient.mssante.fr>`), {
      kind: 'patient',
      address: `${ins}@patient.mssante.fr`,
      ins,
      displayName: 'Léo Dupond',
      firstName: 'Léo',
      lastName: 'Dupond',
    });
    assert.equal(classifySender('123456789012345@PATIENT.MSSANTE.FR').kind, 'patient');
    assert.deepEqual(classifySender('"MARTIN, Marie" <marie.martin@medecin.mssante.fr>'), {
      kind: 'professional',
      address: 'marie.martin@medecin.mssante.fr',
      displayName: 'MARTIN, Marie',
    });
  });
});

describe('PDF names (ECO.2.1.6)', () => {
  it('ECO.2.1.6 builds <date>_<type ≤ 40>_<NOM>_<PRENOM>[_<dossier>].pdf as in the spec examples', () => {
    const base = {
      actDate: { year: 2015, month: 8, day: 2 },
      birthName: 'Vial',
      firstName: 'Paul',
    };
    assert.equal(
      composePdfName({
        ...base,
        documentType: "CR d'examens biologiques",
        fileNumber: '12150302014578',
      }),
      "20150802_CR d'examens biologiques_VIAL_PAUL_12150302014578.pdf",
    );
    assert.equal(
      composePdfName({
        ...base,
        documentType: "Lettre de liaison à la sortie d'un établissement de soins",
      }),
      "20150802_Lettre de liaison à la sortie d'un établ_VIAL_PAUL.pdf",
    );
    assert.equal(
      composePdfName({ ...base, documentType: 'CR / bilan_sanguin: "urgent"' }),
      '20150802_CR - bilan-sanguin- -urgent-_VIAL_PAUL.pdf',
    );
  });

  it('ECO.2.1.6 checks received names, accepting the spec spelling "Paul"', () => {
    assert.deepEqual(
      parsePdfName("20150802_CR d'examens biologiques_VIAL_Paul_12150302014578.pdf"),
      {
        actDate: '20150802',
        documentType: "CR d'examens biologiques",
        birthName: 'VIAL',
        firstName: 'Paul',
        fileNumber: '12150302014578',
      },
    );
    assert.throws(() => parsePdfName('compte-rendu.pdf'), is('E_PDF_NAME_INVALID'));
    assert.throws(() => parsePdfName('20150802_CR_Vial_Paul.pdf'), is('E_PDF_NAME_INVALID'));
  });
});

describe('XOAUTH2 (ECO.1.2.1)', () => {
  it('ECO.1.2.1 encodes user=…\\x01auth=Bearer …\\x01\\x01 in base64', () => {
    const r = xoauth2InitialResponse('marie.martin@medecin.mssante.fr', 'eyJ.abc-é');
    assert.equal(
      Buffer.from(r, 'base64').toString('utf8'),
      'user=marie.martin@medecin.mssante.fr\x01auth=Bearer eyJ.abc-é\x01\x01',
    );
    assert.equal(
      xoauth2InitialResponse('a@b.fr', 't'),
      Buffer.from('user=a@b.fr\x01auth=Bearer t\x01\x01').toString('base64'),
    );
    assert.throws(() => xoauth2InitialResponse('a@b.fr', 'tok\x01en'), is('E_XOAUTH2_INVALID'));
  });
});
