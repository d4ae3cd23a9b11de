import { type ErrorCode, errorMessage } from '../../../shared/errors/codes';
import { MssanteError } from '../../../shared/errors/mssante-error';
import type { PeerReport, TrustContext } from '../../trust/verify';
import { openUpstream, type UpstreamProtocol } from '../../upstream/starttls';
import { RULE_OF_CODE } from './rules';
import { type LiveCheck, type LiveContext, type LiveResult, result } from './types';

type Attempt = { ok: true; report: PeerReport } | { ok: false; error: MssanteError };

/** One STARTTLS connection under the bridge's trust context; closed right after the checks. */
async function attempt(
  context: LiveContext,
  protocol: UpstreamProtocol,
  trust: TrustContext,
): Promise<Attempt> {
  const endpoint = context.config[protocol];
  try {
    const { socket, report } = await openUpstream(
      {
        protocol,
        host: endpoint.host,
        port: endpoint.port,
        ...(protocol === 'smtp' ? { ehloName: 'localhost' } : {}),
        ...(context.lookup ? { lookup: context.lookup } : {}),
        timeoutMs: 20_000,
      },
      trust,
    );
    socket.destroy();
    return { ok: true, report };
  } catch (error) {
    return {
      ok: false,
      error: error instanceof MssanteError ? error : new MssanteError('E_TLS_HANDSHAKE'),
    };
  }
}

function sessionEvidence(report: PeerReport): Record<string, string> {
  return {
    server: report.server,
    protocol: report.session.protocol,
    cipher: report.session.cipher,
    keyExchange: report.session.keyExchange,
    certificate: report.certificate,
  };
}

function refusal(error: MssanteError): Record<string, string> {
  return { code: error.code, detail: error.detail ?? '' };
}

/**
 * The refusals verify.ts gives once the negotiated session passed, in its order: the CA, the
 * dates, name and usage, revocation. With AFTER_CA and AFTER_DATES, `judge` takes a refusal by a
 * rule checked later as proof that the rule before it held.
 */
const AFTER_SESSION: ErrorCode[] = [
  'E_TRUST_UNKNOWN_CA',
  'E_TRUST_NOT_ORGANISATIONS_CA',
  'E_TRUST_EXPIRED',
  'E_TRUST_NOT_YET_VALID',
  'E_TRUST_HOSTNAME',
  'E_TRUST_KEY_USAGE',
  'E_TRUST_REVOKED',
  'E_TRUST_REVOCATION_UNKNOWN',
];
const AFTER_CA: ErrorCode[] = AFTER_SESSION.slice(2).filter(
  (c) => c !== 'E_TRUST_HOSTNAME' && c !== 'E_TRUST_KEY_USAGE',
);
const AFTER_DATES: ErrorCode[] = AFTER_SESSION.slice(4);

/**
 * For one requirement: proved when the connection passed or was refused by a rule checked after
 * it (`later`), failing when it was refused for this very rule, not-run when it was refused for
 * another rule checked before it (that one is reported as failing).
 */
function judge(
  check: string,
  id: string,
  outcome: Attempt,
  proved: { fr: string; en: string },
  /** Refusals that come after this rule was checked (verify.ts order): it held. */
  later: readonly ErrorCode[] = [],
): LiveResult {
  if (outcome.ok) return result(check, [id], 'proved', proved, sessionEvidence(outcome.report));
  const { error } = outcome;
  if (later.includes(error.code)) return result(check, [id], 'proved', proved, refusal(error));
  const sentence = { fr: errorMessage(error.code, 'fr'), en: errorMessage(error.code, 'en') };
  if (RULE_OF_CODE[error.code] === id)
    return result(check, [id], 'failing', sentence, refusal(error));
  return result(
    check,
    [id],
    'not-run',
    {
      fr: `Non vérifiable : la connexion a été refusée pour une autre raison (${error.code}).`,
      en: `Could not be checked: the connection was refused for another reason (${error.code}).`,
    },
    refusal(error),
  );
}

/**
 * ECO.1.1.1, 1.1.2, 1.1.3, 1.1.5, 1.1.10 on one protocol: a connection offering what the bridge
 * offers (TLS 1.3 and 1.2), and one limited to TLS 1.2 (the six suites are then the only choice).
 */
async function runFor(context: LiveContext, protocol: UpstreamProtocol): Promise<LiveResult[]> {
  const check = `tls.${protocol}`;
  const full = await attempt(context, protocol, context.trust);
  const tls12 = await attempt(context, protocol, {
    ...context.trust,
    narrow: { maxVersion: 'TLSv1.2' },
  });
  const P = protocol.toUpperCase();
  const out: LiveResult[] = [
    judge(
      check,
      'ECO.1.1.1',
      tls12,
      {
        fr: `${P} : TLS 1.2 négocié avec l’API LPS.`,
        en: `${P}: TLS 1.2 negotiated with the API LPS.`,
      },
      AFTER_SESSION,
    ),
    judge(
      check,
      'ECO.1.1.3',
      tls12,
      {
        fr: `${P} : en TLS 1.2, suite autorisée et échange de clés de taille suffisante.`,
        en: `${P}: with TLS 1.2, an allowed suite and a key exchange of sufficient size.`,
      },
      AFTER_SESSION,
    ),
  ];
  if (full.ok && full.report.session.protocol === 'TLSv1.3')
    out.push(
      result(
        check,
        ['ECO.1.1.2'],
        'proved',
        { fr: `${P} : TLS 1.3 négocié.`, en: `${P}: TLS 1.3 negotiated.` },
        sessionEvidence(full.report),
      ),
    );
  else
    out.push(
      result(
        check,
        ['ECO.1.1.2'],
        'not-run',
        {
          fr: `${P} : l’opérateur ne propose pas TLS 1.3 (facultatif).`,
          en: `${P}: the operator does not offer TLS 1.3 (optional).`,
        },
        full.ok ? sessionEvidence(full.report) : refusal(full.error),
      ),
    );
  // Certificate rules: from whichever connection got through the TLS rules.
  const cert = full.ok || RULE_OF_CODE[full.error.code] !== 'ECO.1.1.1' ? full : tls12;
  out.push(
    judge(
      check,
      'ECO.1.1.5',
      cert,
      {
        fr: `${P} : certificat serveur dans sa période de validité.`,
        en: `${P}: server certificate within its validity period.`,
      },
      AFTER_DATES,
    ),
    judge(
      check,
      'ECO.1.1.10',
      cert,
      {
        fr: `${P} : certificat serveur émis par l’AC IGC Santé Élémentaire Organisations du jeu de confiance.`,
        en: `${P}: server certificate issued by the trust set’s IGC Santé Élémentaire Organisations CA.`,
      },
      AFTER_CA,
    ),
  );
  return out;
}

export const tlsCheck: LiveCheck = {
  name: 'tls',
  ids: ['ECO.1.1.1', 'ECO.1.1.2', 'ECO.1.1.3', 'ECO.1.1.5', 'ECO.1.1.10'],
  async run(context) {
    return [...(await runFor(context, 'imap')), ...(await runFor(context, 'smtp'))];
  },
};
