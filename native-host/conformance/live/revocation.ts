import type { X509Certificate } from 'node:crypto';
import { errorMessage } from '../../../shared/errors/codes';
import { MssanteError } from '../../../shared/errors/mssante-error';
import { revocationPointers } from '../../trust/certificate-info';
import { CrlStore } from '../../trust/crl-store';
import { RevocationChecker, type RevocationReport } from '../../trust/revocation';
import { openUpstream, type UpstreamProtocol } from '../../upstream/starttls';
import { type LiveCheck, type LiveContext, type LiveResult, result } from './types';

function summary(report: RevocationReport): string {
  return [
    ...report.crl.map((c) => `CRL ${c.url} ${c.status}${c.source ? ` (${c.source})` : ''}`),
    ...report.ocsp.map((o) => `OCSP ${o.url} ${o.status}`),
  ].join('; ');
}

/**
 * ECO.1.1.7 without touching the platform: a second CRL store on the same cache directory,
 * whose downloads all fail, must still answer from the CRL the first connection stored.
 */
async function replayFromCache(
  context: LiveContext,
  leaf: X509Certificate,
  issuer: X509Certificate,
): Promise<{ url: string; status: string; source?: string }[]> {
  const offline = new CrlStore({
    dir: context.crlDir,
    fetch: () => Promise.reject(new Error('download disabled by the live check')),
  });
  const answers = [];
  for (const url of revocationPointers(leaf).crl) {
    const answer = await offline.check(leaf, issuer, url);
    answers.push(
      answer.status === 'unavailable'
        ? { url, status: answer.status }
        : { url, status: answer.status, source: answer.source },
    );
  }
  return answers;
}

async function runFor(context: LiveContext, protocol: UpstreamProtocol): Promise<LiveResult[]> {
  const check = `revocation.${protocol}`;
  const P = protocol.toUpperCase();
  const endpoint = context.config[protocol];
  // The certificate and issuer the trust policy checked, as the revocation checker got them
  // (the TLS socket does not keep the peer certificate readable after the handshake).
  let seen: { cert: X509Certificate; issuer: X509Certificate } | undefined;
  const revocation = new (class extends RevocationChecker {
    override check(cert: X509Certificate, issuer: X509Certificate) {
      seen = { cert, issuer };
      return super.check(cert, issuer);
    }
  })(context.revocationParts.crls, context.revocationParts.ocsp);
  let opened;
  try {
    opened = await openUpstream(
      {
        protocol,
        host: endpoint.host,
        port: endpoint.port,
        ...(protocol === 'smtp' ? { ehloName: 'localhost' } : {}),
        ...(context.lookup ? { lookup: context.lookup } : {}),
        timeoutMs: 20_000,
      },
      { ...context.trust, revocation },
    );
  } catch (error) {
    const e = error instanceof MssanteError ? error : new MssanteError('E_TLS_HANDSHAKE');
    const evidence = { code: e.code, detail: e.detail };
    const revocationRefused =
      e.code === 'E_TRUST_REVOKED' || e.code === 'E_TRUST_REVOCATION_UNKNOWN';
    return [
      result(
        check,
        ['ECO.1.1.6'],
        revocationRefused ? 'failing' : 'not-run',
        revocationRefused
          ? { fr: errorMessage(e.code, 'fr'), en: errorMessage(e.code, 'en') }
          : {
              fr: `Non vérifiable : connexion refusée avant le contrôle de révocation (${e.code}).`,
              en: `Could not be checked: connection refused before the revocation check (${e.code}).`,
            },
        evidence,
      ),
      result(
        check,
        ['ECO.1.1.7'],
        'not-run',
        {
          fr: `Non vérifiable : aucune LCR n’a pu être obtenue (${e.code}).`,
          en: `Could not be checked: no CRL could be obtained (${e.code}).`,
        },
        evidence,
      ),
    ];
  }
  const { socket, report } = opened;
  socket.destroy();
  const leaf = seen?.cert;
  const out: LiveResult[] = [
    result(
      check,
      ['ECO.1.1.6'],
      'proved',
      {
        fr: `${P} : statut de révocation du certificat serveur vérifié (LCR et/ou OCSP) : non révoqué.`,
        en: `${P}: the server certificate’s revocation status was checked (CRL and/or OCSP): not revoked.`,
      },
      { certificate: report.certificate, revocation: summary(report.revocation) },
    ),
  ];
  const issuer = seen?.issuer;
  if (!leaf || !issuer || revocationPointers(leaf).crl.length === 0) {
    out.push(
      result(check, ['ECO.1.1.7'], 'not-run', {
        fr: `${P} : le certificat serveur ne nomme aucun point de distribution de LCR.`,
        en: `${P}: the server certificate names no CRL distribution point.`,
      }),
    );
    return out;
  }
  const replay = await replayFromCache(context, leaf, issuer);
  const kept = replay.length > 0 && replay.every((r) => r.status === 'good' && r.source === 'disk');
  out.push(
    result(
      check,
      ['ECO.1.1.7'],
      kept ? 'proved' : 'failing',
      kept
        ? {
            fr: `${P} : téléchargement coupé, la dernière LCR non expirée conservée sur disque a répondu.`,
            en: `${P}: with downloads cut off, the last unexpired CRL kept on disk answered.`,
          }
        : {
            fr: `${P} : téléchargement coupé, aucune LCR conservée n’a répondu.`,
            en: `${P}: with downloads cut off, no kept CRL answered.`,
          },
      {
        replay: replay
          .map((r) => `${r.url} ${r.status}${r.source ? ` (${r.source})` : ''}`)
          .join('; '),
      },
    ),
  );
  return out;
}

export const revocationCheck: LiveCheck = {
  name: 'revocation',
  ids: ['ECO.1.1.6', 'ECO.1.1.7'],
  async run(context) {
    return [...(await runFor(context, 'imap')), ...(await runFor(context, 'smtp'))];
  },
};
