import { X509Certificate } from 'node:crypto';
import { TLSSocket } from 'node:tls';

/** An HTTPS listener asking for client certificates, for PSC's RFC 8705 mTLS endpoints. */
export interface PscMtlsOptions {
  port: number;
  /** Name in the published mTLS aliases (its server certificate must carry it). */
  hostname?: string;
  /** PEM server certificate (chain) and key, e.g. from sandbox/pki/mini-pki.ts `issue()`. */
  cert: string;
  key: string;
  /** PEM CAs a client certificate must chain to. */
  clientCa: string[];
}

export const MTLS_HOSTNAME = 'psc.sandbox.mssante.test';

interface MtlsContext {
  req: { socket: unknown };
}

function peerOf(ctx: MtlsContext): X509Certificate | undefined {
  const socket = ctx.req.socket;
  if (!(socket instanceof TLSSocket)) return undefined; // the plain-HTTP listener
  const peer = socket.getPeerCertificate();
  return peer?.raw ? new X509Certificate(peer.raw) : undefined;
}

/** "CN=a, O=b, C=FR" and Node's "C=FR\nO=b\nCN=a" compare equal (order and spacing ignored). */
function rdns(dn: string, separator: RegExp): string[] {
  return dn
    .split(separator)
    .map((part) => part.trim().replace(/\s*=\s*/, '='))
    .filter(Boolean)
    .map((part) => {
      const i = part.indexOf('=');
      return `${part.slice(0, i).toUpperCase()}=${part.slice(i + 1)}`;
    })
    .sort();
}

/**
 * oidc-provider's `features.mTLS` for tls_client_auth (PKI method): the certificate comes from
 * the TLS socket, is authorized when it chains to `clientCa` (the listener verifies it but does
 * not end the handshake, so a refusal is an OAuth `invalid_client`), and must carry the
 * registered `tls_client_auth_subject_dn`. Multi-valued RDNs and escaped commas are not handled
 * (the sandbox's certificates have neither).
 */
export function mtlsFeature() {
  return {
    enabled: true,
    tlsClientAuth: true,
    certificateBoundAccessTokens: false,
    getCertificate: (ctx: MtlsContext) => peerOf(ctx)?.toString(),
    certificateAuthorized: (ctx: MtlsContext) =>
      ctx.req.socket instanceof TLSSocket && ctx.req.socket.authorized,
    certificateSubjectMatches: (ctx: MtlsContext, property: string, expected: string) => {
      const peer = peerOf(ctx);
      if (!peer || property !== 'tls_client_auth_subject_dn') return false;
      return rdns(peer.subject, /\n/).join('\n') === rdns(expected, /,/).join('\n');
    },
  };
}

/**
 * RFC 8705 §5 `mtls_endpoint_aliases`: the oidc-provider endpoints a login client calls, over
 * mTLS. Introspection and revocation are served by the stub itself with client secrets only
 * (http.ts), so they have no alias.
 */
export function mtlsAliases(origin: string, realmPath: string): Record<string, string> {
  const base = `${origin}${realmPath}/protocol/openid-connect`;
  return {
    token_endpoint: `${base}/token`,
    backchannel_authentication_endpoint: `${base}/ext/ciba/auth`,
    userinfo_endpoint: `${base}/userinfo`,
  };
}
