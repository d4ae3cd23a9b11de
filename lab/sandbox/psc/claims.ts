import { MAILBOXES, ORGANISATION, PRACTITIONERS, type Practitioner } from '../people';

/**
 * Identities as Pro Santé Connect returns them. The account id (`sub`) is `psc-<national id>`;
 * PSC's own subjects look like `f:<uuid>:<national id>` (a Keycloak federated id): clients must
 * read the national id from `preferred_username` / `SubjectNameID`, never parse `sub`.
 */
export const accountIdOf = (nationalId: string) => `psc-${nationalId}`;

export function practitionerOf(accountId: string | undefined): Practitioner | undefined {
  return PRACTITIONERS.find((p) => accountIdOf(p.nationalId) === accountId);
}

/** Userinfo claims of scope `scope_all`, in PSC's shape (field names as PSC spells them). */
export const SCOPE_ALL_CLAIMS = [
  'preferred_username',
  'SubjectNameID',
  'given_name',
  'family_name',
  'codeCivilite',
  'SubjectRefPro',
  'SubjectOrganization',
  'SubjectOrganizationID',
  'SubjectRole',
  'Secteur_Activite',
  'codeGenreActivite',
  'otherIds',
  'UITVersion',
] as const;

/**
 * PSC-shaped userinfo of a fictitious practitioner. Field names follow a real PSC userinfo
 * (SubjectRefPro.exercices[].activities[], codes of the ANS nomenclatures: profession G15,
 * category R09 `C` civil, savoir-faire type `S` specialty, exercise mode `S` salaried, sector
 * `SA01` public hospital, activity genre `GENR01`); values are the sandbox's own.
 */
export function userinfoOf(p: Practitioner): Record<string, unknown> {
  const finess = ORGANISATION.idNat.slice(1);
  const exerciseCivility = p.title === 'DR' || p.title === 'PR' ? p.title : '';
  return {
    sub: accountIdOf(p.nationalId),
    preferred_username: p.nationalId,
    SubjectNameID: p.nationalId,
    given_name: p.firstName,
    family_name: p.lastName,
    codeCivilite: p.title,
    SubjectRefPro: {
      codeCivilite: p.title,
      exercices: [
        {
          codeProfession: p.profession.code,
          codeCategorieProfessionnelle: 'C',
          codeCiviliteDexercice: exerciseCivility,
          nomDexercice: p.lastName,
          prenomDexercice: p.firstName,
          codeTypeSavoirFaire: p.speciality ? 'S' : '',
          codeSavoirFaire: p.speciality?.code ?? '',
          activities: [
            {
              codeModeExercice: 'S',
              codeSecteurDactivite: 'SA01',
              codeGenreActivite: 'GENR01',
              codeRole: '',
              numeroFinessSite: finess,
              numeroFinessetablissementJuridique: '',
              identifiantTechniqueDeLaStructure: `F${finess}`,
              ancienIdentifiantDeLaStructure: ORGANISATION.idNat,
              raisonSocialeSite: ORGANISATION.name,
              enseigneCommercialeSite: '',
              complementDestinataire: `Service de ${ORGANISATION.service}`,
              numeroVoie: '1',
              codeTypeDeVoie: 'R',
              libelleVoie: 'DU BAC A SABLE',
              codePostal: '75013',
              bureauCedex: '75013 PARIS',
              codePays: '99000',
            },
          ],
        },
      ],
    },
    SubjectOrganization: ORGANISATION.name,
    SubjectOrganizationID: `F${finess}`,
    SubjectRole: [`${p.profession.code}^1.2.250.1.213.1.1.5.5`],
    Secteur_Activite: 'SA01^1.2.250.1.71.4.2.4',
    codeGenreActivite: 'GENR01',
    otherIds: [{ identifiant: p.nationalId, origine: 'RPPS', qualite: 1 }],
    UITVersion: '1.0',
  };
}

/** Mailboxes a national id may open at the operator (PER: its own; ORG: where it is an owner). */
export function mailboxesOf(nationalId: string): string[] {
  return MAILBOXES.filter((m) => m.profile !== 'APP' && m.owners.includes(nationalId)).map(
    (m) => m.address,
  );
}

/** The personal (PER) mailbox of a national id. */
export function personalMailboxOf(nationalId: string): string | undefined {
  return MAILBOXES.find((m) => m.profile === 'PER' && m.nationalId === nationalId)?.address;
}

/** What an access token's claims are made of (oidc-provider's AccessToken model). */
export interface AccessTokenFacts {
  iat?: number;
  exp?: number;
  accountId?: string;
  clientId: string;
  grantId?: string;
  scope?: string;
  sid?: string;
}

/**
 * Claims of an access token as PSC (Keycloak) puts them in its JWTs and answers them at
 * introspection: `preferred_username` is the national id, `acr` eidas1.
 */
export function accessTokenClaims(
  token: AccessTokenFacts,
  issuer: string,
  authTimeMs: number | undefined,
): Record<string, unknown> {
  const p = practitionerOf(token.accountId);
  return {
    exp: token.exp,
    iat: token.iat,
    ...(authTimeMs !== undefined ? { auth_time: Math.floor(authTimeMs / 1000) } : {}),
    iss: issuer,
    sub: token.accountId ?? token.clientId,
    typ: 'Bearer',
    azp: token.clientId,
    ...(token.sid ? { sid: token.sid } : {}),
    acr: 'eidas1',
    ...(token.scope ? { scope: token.scope } : {}),
    ...(p ? { preferred_username: p.nationalId, SubjectNameID: p.nationalId } : {}),
  };
}
