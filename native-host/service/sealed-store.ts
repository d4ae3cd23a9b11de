import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import path from 'node:path';
import { MssanteError } from '../../shared/errors/mssante-error';
import { installKey, type OnMalformedKey, readInstallKey } from '../storage/install-key';

/** An encrypted value as kept in the host's state files (base64 fields). */
export interface Sealed {
  alg: 'A256GCM';
  iv: string;
  tag: string;
  data: string;
}

/** A damaged key file is refused, never replaced: the sealed credentials need the original key. */
const REFUSE: OnMalformedKey = {
  action: 'refuse',
  error: () => new MssanteError('E_APP_SECRET_UNREADABLE', { detail: 'key file' }),
};

/**
 * Encryption at rest of the APP mailboxes' credentials (the PKCS#12, its password): AES-256-GCM
 * under a random 32-byte key kept in `<state>/secrets.key` (mode 0600, created on first use), the
 * mailbox address as additional data (a sealed value cannot be moved to another mailbox entry).
 *
 * What it protects against: the state files (mailboxes.json) being copied, backed up, synced or
 * attached to a bug report without the key file; a change of a sealed value (GCM refuses it).
 * What it does not: anyone who can read the key file, that is the same OS user (or root) on this
 * machine, can decrypt; so can any process running as that user. docs/bridge.md says so.
 */
export class SealedStore {
  constructor(private readonly dir: string) {}

  private get file(): string {
    return path.join(this.dir, 'secrets.key');
  }

  seal(plaintext: Buffer, context: string): Sealed {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', installKey(this.file, REFUSE), iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const data = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return {
      alg: 'A256GCM',
      iv: iv.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
      data: data.toString('base64'),
    };
  }

  open(sealed: Sealed, context: string): Buffer {
    const key = readInstallKey(this.file, REFUSE);
    if (!key) throw new MssanteError('E_APP_SECRET_UNREADABLE', { detail: 'no key file' });
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'));
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
      return Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]);
    } catch (error) {
      throw new MssanteError('E_APP_SECRET_UNREADABLE', { detail: 'authentication', cause: error });
    }
  }
}
