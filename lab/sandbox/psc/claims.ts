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

/** `otherIds[].origine` by form of national id (RPPS, ADELI; `EDIT` for BAS test accounts). */
function origin(nationalId: string): string {
  if (nationalId.startsWith('ANS')) return 'EDIT';
  if (nationalId.startsWith('0')) return 'ADELI';
  if (nationalId.includes('/')) return 'STRUCTURE';
  return 'RPPS';
}

/**
 * PSC-shaped userinfo of a fictitious practitioner, as ANS's public code shows PSC's own (a BAS
 * userinfo in eimis-ans' Synapse module tests, the VIHF generator's tests; see docs/sandbox.md):
 * the top-level `codeCivilite` is the CIVIL title (M, MME); the EXERCISE title (DR, PR, or empty
 * for a nurse or a podiatrist) is `SubjectRefPro.exercices[].codeCiviliteDexercice`; one exercice
 * per profession (none for establishment staff), each with its activities. Codes of the ANS
 * nomenclatures: profession G15, category R09 `C` civil, savoir-faire type `S` specialty,
 * exercise mode `S` salaried, sector `SA01` public hospital, activity genre `GENR01`; values are
 * the sandbox's own.
 */
export function userinfoOf(p: Practitioner): Record<string, unknown> {
  const finess = ORGANISATION.idNat.slice(1);
  const exercices = p.profession
    ? [
        {
          codeProfession: p.profession.code,
          codeCategorieProfessionnelle: 'C',
          codeCiviliteDexercice: p.title,
          nomDexercice: p.lastName,
          prenomDexercice: p.firstName,
          codeTypeSavoirFaire: p.speciality ? 'S' : '',
          codeSavoirFaire: p.speciality?.code ?? '',
          activities: [
            {
              codeModeExercice: 'S',
              codeSecteurDactivite: 'SA01',
              codeSectionPharmacien: '',
              codeRole: '',
              codeGenreActivite: 'GENR01',
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
      ]
    : [];
  return {
    sub: accountIdOf(p.nationalId),
    preferred_username: p.nationalId,
    SubjectNameID: p.nationalId,
    given_name: p.firstName,
    family_name: p.lastName,
    codeCivilite: p.civility,
    SubjectRefPro: { exercices },
    SubjectOrganization: ORGANISATION.name,
    SubjectOrganizationID: `F${finess}`,
    SubjectRole: p.profession ? [`${p.profession.code}^1.2.250.1.213.1.1.5.5`] : [],
    Secteur_Activite: 'SA01^1.2.250.1.71.4.2.4',
    codeGenreActivite: 'GENR01',
    otherIds: [{ identifiant: p.nationalId, origine: origin(p.nationalId), qualite: 1 }],
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

/** What the stub knows of the sign-in behind an access token (sessions.ts). */
export interface AccessTokenSession {
  startedAt: number;
  method: 'cps' | 'ecps';
  /** The acr asserted at sign-in; undefined: none (the claim is left out). */
  acr?: string | undefined;
}

/**
 * Claims of an access token as PSC (Keycloak) puts them in its JWTs and answers them at
 * introspection (a BAS token's claims appear in ANS's public code, docs/sandbox.md):
 * `preferred_username` is the national id, `acr` the level asserted at sign-in (eidas1 unless a
 * test asked for another, or none), `authMode` CARD or MOBILE, `session_state` = `sid`.
 * Signed, that makes a JWT of about 1.2 KB, as PSC's are.
 */
export function accessTokenClaims(
  token: AccessTokenFacts,
  issuer: string,
  session: AccessTokenSession | undefined,
): Record<string, unknown> {
  const p = practitionerOf(token.accountId);
  return {
    exp: token.exp,
    iat: token.iat,
    ...(session ? { auth_time: Math.floor(session.startedAt / 1000) } : {}),
    iss: issuer,
    aud: 'account',
    sub: token.accountId ?? token.clientId,
    typ: 'Bearer',
    azp: token.clientId,
    nonce: '',
    ...(token.sid ? { session_state: token.sid, sid: token.sid } : {}),
    ...(session?.acr !== undefined ? { acr: session.acr } : session ? {} : { acr: 'eidas1' }),
    'allowed-origins': [],
    realm_access: { roles: ['offline_access', 'uma_authorization', 'default-roles-esante-wallet'] },
    resource_access: { account: { roles: ['manage-account', 'view-profile'] } },
    ...(token.scope ? { scope: token.scope } : {}),
    ...(session ? { authMode: session.method === 'cps' ? 'CARD' : 'MOBILE' } : {}),
    ...(p
      ? {
          preferred_username: p.nationalId,
          SubjectNameID: p.nationalId,
          otherIds: [{ identifiant: p.nationalId, origine: origin(p.nationalId), qualite: 1 }],
        }
      : {}),
  };
}
