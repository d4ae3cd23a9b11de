import { DOMAIN, PATIENT_DOMAIN } from './contracts';

/**
 * The sandbox's fictitious people and mailboxes (ARCHITECTURE.md "Sandbox defaults"). They
 * belong to no real person and cover each form of national id PSC uses
 * (shared/domain/identity/national-id.ts): `8` + RPPS (Marie, Paul, Élodie), `0` + ADELI with a
 * Corsican department code (Sophie), a PSC BAS test account (Hugo) and an establishment staff
 * member, `5` + SIRET + `/` + internal id, with no personal mailbox (Nadia, an owner of the ORG
 * mailbox).
 */
export interface Practitioner {
  nationalId: string;
  /** The civil title, PSC's top-level `codeCivilite` (M, MME). */
  civility: 'M' | 'MME';
  /**
   * The exercise title, PSC's `SubjectRefPro.exercices[].codeCiviliteDexercice`: DR, PR, or empty
   * (nurses, podiatrists, psychologists, staff…).
   */
  title: 'DR' | 'PR' | '';
  firstName: string;
  lastName: string;
  /** No profession for establishment staff (their userinfo has no `exercices`). */
  profession?: { code: string; label: string };
  speciality?: { code: string; label: string };
  /** The personal (PER) mailbox; establishment staff have none. */
  mailbox?: string;
}

/** What a From label or a page writes before the name: the exercise title, else the civil one. */
export const titleCodeOf = (p: Practitioner): string => p.title || p.civility;

export const PRACTITIONERS: Practitioner[] = [
  {
    nationalId: '810100000011',
    civility: 'MME',
    title: 'DR',
    firstName: 'Marie',
    lastName: 'MARTIN',
    profession: { code: '10', label: 'Médecin' },
    speciality: { code: 'SM04', label: 'Cardiologie et maladies vasculaires' },
    mailbox: `marie.martin@${DOMAIN}`,
  },
  {
    nationalId: '810100000022',
    civility: 'M',
    title: 'DR',
    firstName: 'Paul',
    lastName: 'DURAND',
    profession: { code: '10', label: 'Médecin' },
    speciality: { code: 'SM54', label: 'Médecine générale' },
    mailbox: `paul.durand@${DOMAIN}`,
  },
  {
    nationalId: '810100000033',
    civility: 'MME',
    title: '',
    firstName: 'Élodie',
    lastName: 'LEFÈVRE',
    profession: { code: '60', label: 'Infirmier' },
    mailbox: `elodie.lefevre@${DOMAIN}`,
  },
  {
    nationalId: '02A9300123',
    civility: 'MME',
    title: '',
    firstName: 'Sophie',
    lastName: 'ROSSI',
    profession: { code: '93', label: 'Psychologue' },
    mailbox: `sophie.rossi@${DOMAIN}`,
  },
  {
    nationalId: 'ANS20240115093000',
    civility: 'M',
    title: '',
    firstName: 'Hugo',
    lastName: 'PETIT',
    profession: { code: '80', label: 'Pédicure-podologue' },
    mailbox: `hugo.petit@${DOMAIN}`,
  },
  {
    nationalId: '500000000000017/SEC00001',
    civility: 'MME',
    title: '',
    firstName: 'Nadia',
    lastName: 'BENALI',
  },
];

/** A practitioner with a profession and a personal mailbox (tests name them by these). */
export type MailboxHolder = Practitioner & {
  mailbox: string;
  profession: NonNullable<Practitioner['profession']>;
};

function holder(p: Practitioner | undefined): MailboxHolder {
  if (!p?.mailbox || !p.profession) throw new Error('a practitioner with a PER mailbox');
  return p as MailboxHolder;
}

/** Dr Marie MARTIN, cardiologist: her PER mailbox and, with Élodie, the ORG secretariat. */
export const MARIE = holder(PRACTITIONERS[0]);
/** Dr Paul DURAND, general practitioner: his PER mailbox only. */
export const PAUL = holder(PRACTITIONERS[1]);
/** Élodie LEFÈVRE, nurse: her PER mailbox and the ORG secretariat. */
export const ELODIE = holder(PRACTITIONERS[2]);
/** Nadia BENALI, establishment staff (national id `5…/…`): the ORG secretariat only. */
export const NADIA: Practitioner = PRACTITIONERS[5]!;

export interface Mailbox {
  address: string;
  profile: 'PER' | 'ORG' | 'APP';
  /** PER: the practitioner's national id; ORG/APP: the organisation's IdNat. */
  nationalId: string;
  /** Who may open it with a PSC token (PER/ORG). */
  owners: string[];
  label: string;
}

/** Organisation IdNat (FINESS-based, `1` + FINESS) of the fictitious hospital. */
export const ORGANISATION = {
  idNat: '1750000000',
  name: 'Hôpital Bac à Sable',
  service: 'Cardiologie',
};

export const MAILBOXES: Mailbox[] = [
  ...PRACTITIONERS.flatMap((p) => (p.mailbox ? [{ ...p, mailbox: p.mailbox }] : [])).map((p) => ({
    address: p.mailbox,
    profile: 'PER' as const,
    nationalId: p.nationalId,
    owners: [p.nationalId],
    label: `${p.firstName} ${p.lastName}`,
  })),
  {
    address: `secretariat.cardiologie@${DOMAIN}`,
    profile: 'ORG',
    nationalId: ORGANISATION.idNat,
    owners: [MARIE.nationalId, ELODIE.nationalId, NADIA.nationalId],
    label: `${ORGANISATION.name} — secrétariat de ${ORGANISATION.service}`,
  },
  {
    address: `labo.resultats@${DOMAIN}`,
    profile: 'APP',
    nationalId: ORGANISATION.idNat,
    owners: [],
    label: `${ORGANISATION.name} — résultats de laboratoire (application)`,
  },
];

/** The cardiology secretariat (ORG), opened by Marie and Élodie with their PSC tokens. */
export const ORG: Mailbox = MAILBOXES.find((m) => m.profile === 'ORG')!;
/** The laboratory results application (APP), opened with the organisation's certificate. */
export const APP: Mailbox = MAILBOXES.find((m) => m.profile === 'APP')!;

/** Patients with MES mailboxes delivered locally (INS-NIR test values with valid keys). */
export const PATIENTS = [
  {
    ins: '279035121518989',
    birthName: 'DUPOND',
    firstName: 'Léo',
    address: `279035121518989@${PATIENT_DOMAIN}`,
  },
  {
    ins: '185057800608491',
    birthName: 'VIAL',
    firstName: 'Paul',
    address: `185057800608491@${PATIENT_DOMAIN}`,
  },
];

/** Léo DUPOND, a patient with a MES mailbox. */
export const LEO = PATIENTS[0]!;
/** Paul VIAL, a second patient with a MES mailbox. */
export const PAUL_VIAL = PATIENTS[1]!;
