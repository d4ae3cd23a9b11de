/**
 * The title written before a professional's name, from a Pro Santé Connect userinfo.
 *
 * PSC gives two titles. The **civil** one (`M`, `MME`) is the top-level `codeCivilite` (in older
 * answers `SubjectRefPro.codeCivilite`). The **exercise** one (`DR`, `PR`, or empty for a nurse,
 * a podiatrist, establishment staff…) is `codeCiviliteDexercice` of each entry of
 * `SubjectRefPro.exercices` — one entry per profession the person exercises, in PSC's order.
 *
 * The rule: the first exercise title `DR` or `PR` among the exercices; else the first other
 * exercise title that is not empty; else the civil title; else nothing. So a doctor who also holds
 * another registration is still `Dr`, and a nurse is `Mme`/`M.` (from-label.ts `displayTitle`).
 */
export function pscTitleCode(userinfo: Record<string, unknown>): string | undefined {
  const refPro = record(userinfo.SubjectRefPro);
  const exercises = Array.isArray(refPro.exercices) ? refPro.exercices.map(record) : [];
  const titles = exercises
    .map((e) => text(e.codeCiviliteDexercice))
    .filter((t): t is string => t !== undefined);
  return (
    titles.find((t) => t === 'DR' || t === 'PR') ??
    titles[0] ??
    text(userinfo.codeCivilite) ??
    text(refPro.codeCivilite)
  );
}

function record(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function text(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const t = value.trim().toUpperCase();
  return t && t.length <= 8 ? t : undefined;
}
