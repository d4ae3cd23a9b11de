/**
 * The eIDAS level a Pro Santé Connect login reached, from the `acr` of its ID token.
 *
 * PSC is asked for `acr_values=eidas1`; its tokens carry `eidas1`, or a higher level
 * (`eidas3` for a CPS card login, as seen in ANS's public code). ANS's own Keycloak connector
 * (ansforge/keycloak-prosanteconnect, `EidasLevel.getOrDefault`) treats a missing `acr` as
 * eidas1. So: missing → 1; `eidas<n>` with n ≥ 1 → n; anything else → undefined (refused).
 */
export function eidasLevel(acr: unknown): number | undefined {
  if (acr === undefined || acr === null) return 1;
  if (typeof acr !== 'string') return undefined;
  const match = /^eidas([1-9]\d?)$/.exec(acr);
  return match ? Number(match[1]) : undefined;
}
