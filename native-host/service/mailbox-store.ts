import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { displayName } from '../../shared/protocol/messages/mailbox';
import type { AuditJournal } from '../audit/journal';
import { tightenPrivateFile, writePrivateFile } from '../config/private-file';
import type { StoredAppCredentials } from './app-mailbox';

/** One configured mailbox as `<state>/mailboxes.json` keeps it. */
export interface StoredMailbox {
  address: string;
  profile: 'PER' | 'ORG' | 'APP';
  imap: { host: string; port: number };
  smtp: { host: string; port: number };
  /** The local secret of this host start (memory only: never written, see save). */
  secret: string;
  imapPort: number;
  smtpPort: number;
  /** APP: the ORG AUTH_CLI certificate's facts, and its PKCS#12 sealed (see sealed-store.ts). */
  app?: StoredAppCredentials;
  /** ECO.2.2.7: the From name chosen at setup, for an account Thunderbird has to get again. */
  displayName?: string;
}

/**
 * `<state>/mailboxes.json`: the configured mailboxes, with the loopback ports they last had so
 * that Thunderbird's accounts keep working across restarts. A private file (0600).
 */
export class MailboxStore {
  readonly file: string;

  /** mailboxes.json is the host's own file: a mode opened since is narrowed and journaled. */
  constructor(stateDir: string, audit: AuditJournal) {
    this.file = path.join(stateDir, 'mailboxes.json');
    const loose = tightenPrivateFile(this.file);
    if (loose !== null)
      audit.record({
        author: 'system',
        action: 'permissions',
        request: `chmod 600 mailboxes.json (was ${loose.toString(8)})`,
        outcome: 'ok',
      });
  }

  read(): StoredMailbox[] {
    const list = existsSync(this.file)
      ? (JSON.parse(readFileSync(this.file, 'utf8')) as StoredMailbox[])
      : [];
    for (const m of list) m.secret = ''; // a file from before 19.1 held one: never reused
    // A name edited by hand into something the protocol refuses is dropped, not sent.
    for (const m of list)
      if (m.displayName !== undefined && !displayName.safeParse(m.displayName).success)
        delete m.displayName;
    return list;
  }

  /** Writes the list without the local secrets (each host start makes new ones, 19.1). */
  save(list: StoredMailbox[]): void {
    const kept = list.map(({ secret: _secret, ...rest }) => rest);
    writePrivateFile(this.file, JSON.stringify(kept, null, 2) + '\n');
  }

  /** Takes `address` out of the file; true when it was there. */
  remove(address: string): boolean {
    const key = address.toLowerCase();
    const before = this.read();
    const after = before.filter((m) => m.address.toLowerCase() !== key);
    if (after.length === before.length) return false;
    this.save(after);
    return true;
  }

  /** Keeps `stored` in place of any entry of the same address. */
  put(stored: StoredMailbox): void {
    const key = stored.address.toLowerCase();
    this.save([...this.read().filter((m) => m.address.toLowerCase() !== key), stored]);
  }
}
