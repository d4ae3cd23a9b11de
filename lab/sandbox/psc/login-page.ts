import type { Practitioner } from '../people';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The stub's login page: pick a fictitious practitioner and a means (CPS card or e-CPS app). */
export function loginPage(uid: string, action: string, practitioners: Practitioner[]): string {
  const rows = practitioners
    .map(
      (p) => `<li><form method="post" action="${esc(action)}">
  <input type="hidden" name="nationalId" value="${esc(p.nationalId)}">
  <strong>${esc(`${p.firstName} ${p.lastName}`)}</strong> — ${esc(p.profession?.label ?? 'personnel d’établissement')} (${esc(p.nationalId)})
  <button type="submit" name="method" value="cps" data-national-id="${esc(p.nationalId)}" data-method="cps">Carte CPS</button>
  <button type="submit" name="method" value="ecps" data-national-id="${esc(p.nationalId)}" data-method="ecps">e-CPS</button>
</form></li>`,
    )
    .join('\n');
  return `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Pro Santé Connect — bac à sable</title>
<style>body{font:15px system-ui,sans-serif;margin:2em}li{margin:.6em 0}button{margin-left:.5em}</style></head>
<body data-interaction="${esc(uid)}"><h1>Pro Santé Connect (bac à sable local)</h1>
<p>Choisissez un professionnel fictif et un moyen d’authentification.</p><ul>${rows}</ul>
<form method="post" action="${esc(action)}"><button type="submit" name="cancel" value="1" data-method="cancel">Annuler</button></form>
</body></html>`;
}

/** What oidc-provider shows when it cannot redirect back to the client (bad redirect_uri…). */
export function errorPage(error: string, description?: string): string {
  return `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Pro Santé Connect — erreur</title></head>
<body data-error="${esc(error)}"><h1>Pro Santé Connect (bac à sable local)</h1>
<p>La demande d’authentification est refusée : <code>${esc(error)}</code>${description ? ` — ${esc(description)}` : ''}.</p></body></html>`;
}
