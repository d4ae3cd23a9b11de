import type { Params } from '../../shared/protocol/index';
import type { UpstreamCredentials } from '../bridge/mailbox';
import type { TrustSet } from '../trust/trust-sets';
import { type AppCertificateFacts, checkAppPkcs12 } from './app-certificate';
import type { Sealed, SealedStore } from './sealed-store';

/** What mailboxes.json keeps for an APP mailbox: the certificate's facts in clear, the rest sealed. */
export interface StoredAppCredentials extends AppCertificateFacts {
  sealed: Sealed;
}

interface SealedPayload {
  pkcs12: string;
  passphrase: string;
  password?: string;
}

type AppParams = Extract<Params<'mailbox.add'>, { profile: 'APP' }>;

/** Checks an imported PKCS#12 (coded refusals, see checkAppPkcs12) and seals it for storage. */
export function importAppCredentials(
  params: AppParams,
  set: TrustSet,
  store: SealedStore,
  now?: Date,
): StoredAppCredentials {
  const pfx = Buffer.from(params.pkcs12.replace(/\s+/g, ''), 'base64');
  const facts = checkAppPkcs12(pfx, params.pkcs12Password, set, now);
  const payload: SealedPayload = {
    pkcs12: pfx.toString('base64'),
    passphrase: params.pkcs12Password,
    ...(params.password ? { password: params.password } : {}),
  };
  return {
    ...facts,
    sealed: store.seal(Buffer.from(JSON.stringify(payload)), params.address.toLowerCase()),
  };
}

/**
 * The bridge's credentials for a stored APP mailbox, decrypted in memory when its bridges start.
 * Without an operator-given password, PLAIN carries an empty one: seed 001 (ECO.1.3.1) asks for
 * the mailbox address as the login and authenticates the application by its certificate.
 */
export function appCredentials(
  address: string,
  stored: StoredAppCredentials,
  store: SealedStore,
): UpstreamCredentials {
  const payload = JSON.parse(
    store.open(stored.sealed, address.toLowerCase()).toString('utf8'),
  ) as SealedPayload;
  return {
    kind: 'app',
    pfx: Buffer.from(payload.pkcs12, 'base64'),
    passphrase: payload.passphrase,
    password: payload.password ?? '',
    subject: stored.subject,
  };
}
