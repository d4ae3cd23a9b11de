import type { AnnuaireEntry } from '../../../shared/domain/annuaire/entry';
import { MAILBOXES, ORGANISATION, PRACTITIONERS, titleCodeOf } from '../people';
import {
  CITIES,
  DOMAINS,
  FIRST_NAMES,
  LAST_NAMES,
  ORGANISATION_KINDS,
  PROFESSIONS,
  SERVICES,
  STREET_NAMES,
  STREET_TYPES,
} from './nomenclature';

export { asExtracted, extractionLines, writeExtraction, EXTRACTION_EOL } from './extraction';

/** Entries in the demo sandbox's directory. */
export const DEMO_ENTRY_COUNT = 50;
/** Entries loaded by the benchmarks (the real Annuaire holds a few hundred thousand BAL). */
export const BENCH_ENTRY_COUNT = 100_000;

/** mulberry32: a small, well-distributed 32-bit PRNG; deterministic for a given seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The sandbox hospital's address (the real mailboxes' structure). */
const SANDBOX_ADDRESS = {
  addressLines: ['1 place du Bac à Sable'],
  postalCode: '75012',
  city: 'Paris',
  department: '75',
};

/** The sandbox's real people and mailboxes (sandbox/people.ts), PER then ORG and APP. */
export function sandboxEntries(): AnnuaireEntry[] {
  return MAILBOXES.map((box): AnnuaireEntry => {
    const person = PRACTITIONERS.find((p) => p.mailbox === box.address);
    if (person) {
      return {
        mail: box.address,
        mailboxType: 'PER',
        nationalId: person.nationalId,
        civility: titleCodeOf(person),
        lastName: person.lastName,
        firstName: person.firstName,
        profession: person.profession ? { ...person.profession } : { code: '', label: '' },
        speciality: person.speciality ? { ...person.speciality } : { code: '', label: '' },
        organisation: ORGANISATION.name,
        service: person.profession?.code === '10' ? ORGANISATION.service : '',
        ...SANDBOX_ADDRESS,
        addressLines: [...SANDBOX_ADDRESS.addressLines],
      };
    }
    return {
      mail: box.address,
      mailboxType: box.profile,
      nationalId: box.nationalId,
      civility: '',
      lastName: '',
      firstName: '',
      profession: { code: '', label: '' },
      speciality: { code: '', label: '' },
      organisation: ORGANISATION.name,
      service: box.profile === 'ORG' ? ORGANISATION.service : 'Laboratoire',
      ...SANDBOX_ADDRESS,
      addressLines: [...SANDBOX_ADDRESS.addressLines],
    };
  });
}

/** Lower-case ASCII for mail local parts: accents dropped, spaces and apostrophes to `-`. */
export function mailPart(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/Œ/g, 'OE')
    .replace(/œ/g, 'oe')
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/**
 * `count` directory entries, deterministic for a given seed (no Math.random): first the
 * sandbox's real mailboxes (so the demo people are findable), then fictitious ones. The
 * sequence for a seed is prefix-stable: `generateEntries(50)` is the start of
 * `generateEntries(100 000)`. Mail addresses are unique.
 */
export function generateEntries(count: number, seed = 1): AnnuaireEntry[] {
  const entries = sandboxEntries().slice(0, Math.max(0, count));
  const used = new Set(entries.map((e) => e.mail));
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const digits = (n: number) =>
    Array.from({ length: n }, () => Math.floor(random() * 10).toString()).join('');
  const nextSuffix = new Map<string, number>();
  const unique = (local: string, domain: string) => {
    const key = `${local}@${domain}`;
    let address = key;
    for (let i = nextSuffix.get(key) ?? 2; used.has(address); i += 1) {
      address = `${local}.${i}@${domain}`;
      nextSuffix.set(key, i + 1);
    }
    used.add(address);
    return address;
  };
  const totalWeight = PROFESSIONS.reduce((sum, p) => sum + p.weight, 0);
  const pickProfession = () => {
    let roll = random() * totalWeight;
    for (const p of PROFESSIONS) {
      roll -= p.weight;
      if (roll < 0) return p;
    }
    return PROFESSIONS[0]!;
  };

  while (entries.length < count) {
    const where = pick(CITIES);
    const street = `${1 + Math.floor(random() * 120)} ${pick(STREET_TYPES)} ${pick(STREET_NAMES)}`;
    const organisation = pick(ORGANISATION_KINDS).replace('{city}', where.city);
    const domain = pick(DOMAINS);
    const roll = random();
    const place = {
      addressLines: [street],
      postalCode: where.postalCode,
      city: where.city,
      department: where.department,
    };
    if (roll < 0.8) {
      const first = pick(FIRST_NAMES);
      const last = pick(LAST_NAMES);
      const profession = pickProfession();
      const speciality =
        profession.specialities.length > 0
          ? pick(profession.specialities)
          : { code: '', label: '' };
      entries.push({
        mail: unique(`${mailPart(first.name)}.${mailPart(last)}`, domain),
        mailboxType: 'PER',
        // RPPS-shaped: 8 + 11 digits starting with 1 (10 + 9 random digits), fictitious.
        nationalId: `810${digits(9)}`,
        civility: profession.doctorTitle ? 'DR' : first.civility,
        lastName: last,
        firstName: first.name,
        profession: { code: profession.code, label: profession.label },
        speciality: { ...speciality },
        organisation: random() < 0.7 ? organisation : '',
        service: '',
        ...place,
      });
    } else {
      const mailboxType = roll < 0.96 ? 'ORG' : 'APP';
      const service = pick(SERVICES);
      const local =
        mailboxType === 'ORG' ? `secretariat.${mailPart(service)}` : `${mailPart(service)}.app`;
      entries.push({
        mail: unique(`${local}.${mailPart(where.city)}`, domain),
        mailboxType,
        // Structure IdNat: 1 + FINESS (9 digits), fictitious.
        nationalId: `1${where.department.slice(0, 2).replace(/\D/g, '0')}${digits(7)}`,
        civility: '',
        lastName: '',
        firstName: '',
        profession: { code: '', label: '' },
        speciality: { code: '', label: '' },
        organisation,
        service,
        ...place,
      });
    }
  }
  return entries;
}
