import assert from 'node:assert/strict';
import type { TLSSocket } from 'node:tls';
import { checkNegotiated } from '../../../../native-host/trust/tls-policy';

/** What checkNegotiated reads of a TLS socket, as a negotiated session would answer it. */
function negotiated(key: { type: string; name?: string; size: number }): TLSSocket {
  return {
    getProtocol: () => 'TLSv1.2',
    getCipher: () => ({
      name: 'ECDHE-RSA-AES128-GCM-SHA256',
      standardName: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
      version: 'TLSv1.2',
    }),
    getEphemeralKeyInfo: () => key,
  } as unknown as TLSSocket;
}

describe('TLS policy (ECO.1.1.3): ECDHE groups', () => {
  it('ECO.1.1.3 refuses a negotiated ECDHE key under 256 bits (secp224r1) with E_TLS_ECDH_TOO_SMALL, accepts P-256', () => {
    assert.throws(
      () => checkNegotiated(negotiated({ type: 'ECDH', name: 'secp224r1', size: 224 })),
      {
        code: 'E_TLS_ECDH_TOO_SMALL',
        detail: 'secp224r1 224 bits',
      },
    );
    assert.equal(
      checkNegotiated(negotiated({ type: 'ECDH', name: 'prime256v1', size: 256 })).keyExchange,
      'ECDH prime256v1 256 bits',
    );
  });
});
