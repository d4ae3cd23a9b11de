import { DOMAIN, PATIENT_DOMAIN } from './contracts';

/**
 * The sandbox's fictitious people and mailboxes (ARCHITECTURE.md "Sandbox defaults"). National
 * ids are RPPS-shaped (`8` + 10 digits: the PSC `preferred_username` is the 11-digit RPPS prefixed
 * with 8) and belong to no real person.
 */
export interface Practitioner {
  nationalId: string;
  civility: 'M' | 'MME';
  /** codeCivilite as PSC returns it (DR, PR, M, MME…) */
  title: 'DR' | 'PR' | 'M' | 'MME';
  firstName: string;
  lastName: string;
  profession: { code: string; label: string };
  speciality?: { code: string; label: string };
  mailbox: string;
}

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
    title: 'MME',
    firstName: 'Élodie',
    lastName: 'LEFÈVRE',
    profession: { code: '60', label: 'Infirmier' },
    mailbox: `elodie.lefevre@${DOMAIN}`,
  },
];

/** Dr Marie MARTIN, cardiologist: her PER mailbox and, with Élodie, the ORG secretariat. */
export const MARIE: Practitioner = PRACTITIONERS[0]!;
/** Dr Paul DURAND, general practitioner: his PER mailbox only. */
export const PAUL: Practitioner = PRACTITIONERS[1]!;
/** Élodie LEFÈVRE, nurse: her PER mailbox and the ORG secretariat. */
export const ELODIE: Practitioner = PRACTITIONERS[2]!;

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
  ...PRACTITIONERS.map((p) => ({
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
    owners: [MARIE.nationalId, ELODIE.nationalId],
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
