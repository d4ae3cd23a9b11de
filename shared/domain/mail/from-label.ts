import { MssanteError } from '../../errors/mssante-error';

export type MailboxProfile = 'PER' | 'ORG' | 'APP';

export interface PersonalLabel {
  readonly title?: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly entity?: string;
}

function clean(s: string | undefined): string {
  return (s ?? '')
    .replace(/[\r\n"<>]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * ECO.2.2.7 display name. PER: `<Titre> <Prénom> <NOM> <Entité>` (first and last name
 * mandatory, NOM upper case) — `Dr Marie MARTIN`; ORG and APP: `<Entité fonctionnelle>`.
 */
export function composeFromLabel(
  profile: MailboxProfile,
  input: PersonalLabel | { readonly entity: string },
): string {
  if (profile === 'PER') {
    const p = input as PersonalLabel;
    const first = clean(p.firstName);
    const last = clean(p.lastName).toUpperCase();
    if (!first || !last)
      throw new MssanteError('E_FROM_LABEL_INVALID', {
        detail: 'first name and NAME are mandatory',
      });
    return [clean(p.title), first, last, clean(p.entity)].filter((s) => s.length > 0).join(' ');
  }
  const entity = clean(input.entity);
  if (!entity)
    throw new MssanteError('E_FROM_LABEL_INVALID', { detail: 'functional entity is mandatory' });
  return entity;
}

/** PSC's `codeCivilite` as people write it before a name (`DR` → `Dr`, `MME` → `Mme`). */
export function displayTitle(civility: string | undefined): string {
  const c = (civility ?? '').trim().toUpperCase();
  const known: Record<string, string> = { DR: 'Dr', PR: 'Pr', M: 'M.', MME: 'Mme', MLLE: 'Mlle' };
  if (!c) return '';
  return known[c] ?? c.charAt(0) + c.slice(1).toLowerCase();
}

/** What the PSC identity gives the label (protocol `psc.status` identity, structurally). */
export interface PscNames {
  readonly givenName: string;
  readonly familyName: string;
  readonly civility?: string | undefined;
}

/**
 * ECO.2.2.7: the From display name of a new mailbox. PER from the PSC identity (`Dr Marie
 * MARTIN`, plus the entity when the user typed one); ORG and APP: the functional entity typed.
 */
export function fromLabelFor(
  profile: MailboxProfile,
  identity: PscNames | undefined,
  entity: string,
): string {
  if (profile !== 'PER') return composeFromLabel(profile, { entity });
  if (!identity) throw new MssanteError('E_PSC_NOT_SIGNED_IN');
  return composeFromLabel('PER', {
    title: displayTitle(identity.civility),
    firstName: identity.givenName,
    lastName: identity.familyName,
    ...(entity.trim() ? { entity } : {}),
  });
}

/**
 * The label the compose panel offers when the identity's name breaks ECO.2.2.7 (undefined when
 * it cannot tell): ORG/APP the name typed (or the address's local part); PER from the PSC
 * identity when signed in (its civility code used as it is), else the name's last word as NAME.
 */
export function suggestedFromLabel(
  identity: {
    readonly address: string;
    readonly profile: MailboxProfile;
    readonly fullName: string;
  },
  psc: PscNames | undefined,
): string | undefined {
  try {
    if (identity.profile !== 'PER')
      return composeFromLabel(identity.profile, {
        entity: identity.fullName.trim() || identity.address.split('@')[0]!,
      });
    if (psc)
      return composeFromLabel('PER', {
        ...(psc.civility ? { title: displayTitle(psc.civility) } : {}),
        firstName: psc.givenName,
        lastName: psc.familyName,
      });
    const words = identity.fullName.trim().split(/\s+/);
    if (words.length < 2) return undefined;
    return composeFromLabel('PER', {
      firstName: words.slice(0, -1).join(' '),
      lastName: words.at(-1)!,
    });
  } catch {
    return undefined;
  }
}

const TITLES = new Set(['dr', 'pr', 'me', 'mme', 'mlle', 'm.', 'm', 'mr', 'docteur', 'professeur']);

/**
 * Checks an existing display name (ECO.2.2.7) and lists what is wrong (empty list: fine). For PER
 * it needs a NAME written in upper case and a first name (a word with lower case that is not a
 * title such as `Dr`); for ORG/APP only a non-empty entity.
 */
export function checkFromLabel(profile: MailboxProfile, label: string): string[] {
  const problems: string[] = [];
  const l = label.trim();
  if (!l) return ['empty'];
  if (/[\r\n]/.test(label)) problems.push('line break');
  if (profile === 'PER') {
    const words = l.split(/\s+/);
    if (!words.some((w) => /\p{L}{2,}/u.test(w) && !/\p{Ll}/u.test(w)))
      problems.push('no NAME in upper case');
    if (!words.some((w) => /\p{Ll}/u.test(w) && !TITLES.has(w.toLowerCase())))
      problems.push('no first name');
  }
  return problems;
}

/** Formats `Label <address>`, quoting the label when it holds specials. */
export function formatMailbox(label: string, address: string): string {
  const needsQuotes = /[()<>\[\]:;@\\,."]/.test(label);
  const shown = needsQuotes ? `"${label.replace(/(["\\])/g, '\\$1')}"` : label;
  return `${shown} <${address}>`;
}
