import type { LiveStatus } from './live/types';
import type { Report, Status } from './report';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const STATUS: Record<Status, { fr: string; en: string; color: string }> = {
  proved: { fr: 'Prouvée', en: 'Proved', color: '#1a7f37' },
  'core-only': {
    fr: 'Logique prouvée, pas encore dans Thunderbird',
    en: 'Logic proved, not yet in Thunderbird',
    color: '#0969da',
  },
  failing: { fr: 'En échec', en: 'Failing', color: '#cf222e' },
  'not-covered': { fr: 'Non couverte', en: 'Not covered', color: '#9a6700' },
  'not-applicable': { fr: 'Non applicable', en: 'Not applicable', color: '#57606a' },
};

const LIVE: Record<LiveStatus, { fr: string; en: string; color: string }> = {
  proved: { fr: 'Vérifiée', en: 'Verified', color: '#1a7f37' },
  failing: { fr: 'En échec', en: 'Failing', color: '#cf222e' },
  'not-run': { fr: 'Non vérifiée', en: 'Not run', color: '#57606a' },
};

/** The live runs: one table per platform, every result with its sentence and evidence. */
function liveSection(report: Report): string {
  if (!report.live?.length) return '';
  return report.live
    .map((run) => {
      const target = Object.entries(run.target)
        .map(([k, v]) => `<li>${esc(k)} : ${esc(v)}</li>`)
        .join('');
      const rows = run.results
        .map((r) => {
          const st = LIVE[r.status];
          const evidence = Object.entries(r.evidence)
            .map(([k, v]) => `<li><span class="layer">${esc(k)}</span> ${esc(v)}</li>`)
            .join('');
          return `<tr><td class="id">${r.ids.join('<br>')}</td><td class="id">${esc(r.check)}</td>
  <td style="color:${st.color};font-weight:600">${st.fr}<br><span class="en">${st.en}</span></td>
  <td><span lang="fr">${esc(r.fr)}</span><br><span lang="en" class="en">${esc(r.en)}</span></td>
  <td class="tests">${evidence ? `<ul>${evidence}</ul>` : '—'}</td></tr>`;
        })
        .join('\n');
      return `<h2 id="live-${esc(run.platform)}">Vérification en direct : ${esc(run.platform)}<br><span class="en">Live check: ${esc(run.platform)}</span></h2>
<p>${esc(run.date)}</p>
<ul>${target}</ul>
<table>
<thead><tr><th>Exigence<br><span class="en">Requirement</span></th><th>Contrôle<br><span class="en">Check</span></th><th>Résultat<br><span class="en">Result</span></th><th>Constat<br><span class="en">Finding</span></th><th>Éléments<br><span class="en">Evidence</span></th></tr></thead>
<tbody>
${rows}
</tbody>
</table>`;
    })
    .join('\n');
}

/** A self-contained bilingual page (no script, no remote resource) a non-developer can read. */
export function renderHtml(report: Report): string {
  const s = report.summary;
  const hasLive = Boolean(report.live?.length);
  const rows = report.rows
    .map((row) => {
      const st = STATUS[row.status];
      const tests = row.tests.length
        ? `<ul>${row.tests.map((t) => `<li><span class="layer">${t.layer}</span> ${t.state === 'failed' ? '✗' : t.state === 'passed' ? '✓' : '…'} ${esc(t.title)}</li>`).join('')}</ul>`
        : '—';
      return `<tr>
  <td class="id">${row.id}</td><td>${row.level}</td><td>${row.profiles.join(', ')}</td>
  <td><span lang="fr">${esc(row.fr)}</span><br><span lang="en" class="en">${esc(row.en)}</span></td>
  <td style="color:${st.color};font-weight:600">${st.fr}<br><span class="en">${st.en}</span></td>
  <td>${row.endToEnd ? 'oui / yes' : 'non / no'}</td>
  <td class="tests">${tests}</td>${
    hasLive
      ? `\n  <td>${
          (row.live ?? [])
            .map(
              (l) =>
                `<span style="color:${LIVE[l.status].color};font-weight:600">${esc(l.platform)} : ${LIVE[l.status].fr}</span> <span class="en">${LIVE[l.status].en}</span>`,
            )
            .join('<br>') || '—'
        }</td>`
      : ''
  }
</tr>`;
    })
    .join('\n');
  const versions = Object.entries(report.versions)
    .map(([k, v]) => `<li>${esc(k)} : ${esc(v)}</li>`)
    .join('');
  return `<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>Rapport de conformité MSSanté — Conformance report</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #1f2328; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #d0d7de; padding: 0.4em; vertical-align: top; text-align: left; }
th { background: #f6f8fa; }
.id { font-family: monospace; white-space: nowrap; }
.en { color: #57606a; }
.tests ul { margin: 0; padding-left: 1.2em; font-size: 12px; }
.layer { font-family: monospace; background: #eaeef2; padding: 0 0.3em; border-radius: 3px; }
.verdict { font-size: 1.2em; font-weight: 600; color: ${s.mandatoryProved ? '#1a7f37' : '#cf222e'}; }
</style>
</head>
<body>
<h1>Rapport de conformité au Référentiel #2 MSSanté (Clients de messageries v1.0)<br><span class="en">Conformance report, MSSanté Référentiel #2 (mail clients v1.0)</span></h1>
<p>Plateforme / platform : <strong>${esc(report.platform)}</strong> — ${esc(report.date)} — profils / profiles : ${report.profiles.join(', ')}</p>
<ul>${versions}</ul>
<p class="verdict">${
    s.mandatoryProved
      ? 'Toutes les exigences obligatoires (DOIT) sont prouvées. <span class="en">Every mandatory (DOIT) requirement is proved.</span>'
      : `${s.mandatoryMissing.length} exigence(s) obligatoire(s) non prouvée(s). <span class="en">${s.mandatoryMissing.length} mandatory requirement(s) not proved.</span>`
  }</p>
<p>Prouvées / proved : ${s.proved} · Logique seule / core only : ${s['core-only']} · En échec / failing : ${s.failing} · Non couvertes / not covered : ${s['not-covered']} · Non applicables / not applicable : ${s['not-applicable']}</p>
<table>
<thead><tr><th>Exigence<br><span class="en">Requirement</span></th><th>Niveau<br><span class="en">Level</span></th><th>Profils<br><span class="en">Profiles</span></th><th>Résumé<br><span class="en">Summary</span></th><th>Statut<br><span class="en">Status</span></th><th>Bout en bout<br><span class="en">End to end</span></th><th>Tests</th>${hasLive ? '<th>En direct<br><span class="en">Live</span></th>' : ''}</tr></thead>
<tbody>
${rows}
</tbody>
</table>
${liveSection(report)}
</body>
</html>
`;
}
