import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { composePdfName } from '../../shared/domain/mail/pdf-name';
import { composeSubject } from '../../shared/domain/mail/subject';
import { mssHeaders } from '../../shared/domain/mail/headers';
import { BIO, buildXdm, pseudoPdf } from '../fixtures/xdm/generate';
import { DOMAIN } from './contracts';
import type { DovecotHandle } from './dovecot/index';
import { PATIENTS, PRACTITIONERS } from './people';

/**
 * The demo INBOX of Dr Marie MARTIN (issue 10, `npm start`): a message from a colleague, one from
 * a patient through Mon espace santé, and one carrying an XDM archive with its PDF copy. Delivered
 * once, when her mailbox is empty. (The XDM is built by the test fixtures' generator: the sandbox is
 * development code, like the tests.)
 */
export function demoMessages(): Promise<Buffer[]> {
  const [marie, paul] = PRACTITIONERS as [(typeof PRACTITIONERS)[0], (typeof PRACTITIONERS)[0]];
  const patient = PATIENTS[0]!;
  const colleague = `Dr ${paul.firstName} ${paul.lastName} <${paul.mailbox}>`;
  const to = `Dr ${marie.firstName} ${marie.lastName} <${marie.mailbox}>`;
  const base = { to, headers: { 'X-MSS-NIL': 'OPEN-MSSANTE-SANDBOX' } };
  const bio = { code: BIO.code, displayName: "CR d'examens biologiques" };
  const name = { birthName: 'VIAL', firstName: 'PAUL' }; // VIAL_PAUL of the XDM fixtures
  const pdfName = composePdfName({
    actDate: { year: 2015, month: 8, day: 2 },
    documentType: bio.displayName,
    ...name,
  });
  const mails = [
    {
      ...base,
      from: colleague,
      subject: 'Bienvenue dans le bac à sable MSSanté',
      messageId: `<welcome@${DOMAIN}>`,
      text: 'Bonjour Marie,\n\nConnectez-vous avec Pro Santé Connect (bouton MSSanté de la barre d’outils) pour lire et envoyer des messages dans ce bac à sable.\n\nPaul',
    },
    {
      ...base,
      from: `${patient.firstName} ${patient.birthName} <${patient.address}>`,
      subject: 'Question sur mon traitement',
      messageId: `<patient-question@${DOMAIN}>`,
      text: 'Bonjour Docteur,\n\nDois-je continuer le traitement pendant les vacances ?\n\nLéo Dupond',
    },
    {
      from: colleague,
      to,
      subject: composeSubject({
        documents: [bio],
        ...name,
        birthDate: { year: 1978, month: 11, day: 26 },
      }),
      messageId: `<xdm-bio@${DOMAIN}>`,
      headers: Object.fromEntries(
        mssHeaders({ xdm: { codes: [bio.code], qualifiedIns: true }, nil: 'OPEN-MSSANTE-SANDBOX' }),
      ),
      text: 'Bonjour,\n\nVeuillez trouver le compte rendu d’examens biologiques de M. VIAL.\n\nPaul Durand',
      attachments: [
        {
          filename: 'IHE_XDM.ZIP',
          content: Buffer.from(buildXdm({ documents: [BIO] })),
          contentType: 'application/zip',
        },
        {
          filename: pdfName,
          content: Buffer.from(pseudoPdf(4000, 1)),
          contentType: 'application/pdf',
        },
      ],
    },
  ];
  return Promise.all(mails.map((mail) => new MailComposer(mail).compile().build()));
}

/** Delivers the demo messages to Marie's INBOX when it holds nothing yet. */
export async function seedDemo(dovecot: DovecotHandle): Promise<number> {
  const marie = PRACTITIONERS[0]!.mailbox!;
  if (dovecot.readMailbox(marie).length > 0) return 0;
  const messages = await demoMessages();
  for (const message of messages) dovecot.deliver(marie, message);
  return messages.length;
}
