import assert from 'node:assert/strict';
import { syncPlan } from '../../../extension/background/bridge-endpoints';
import type { Result } from '../../../shared/protocol/index';

type Mailbox = Result<'mailbox.list'>['mailboxes'][number];

const base = (address: string): Mailbox => ({
  address,
  profile: 'PER',
  imapPort: 14143,
  smtpPort: 14587,
  upstream: {
    imap: { host: 'imap.example.test', port: 143 },
    smtp: { host: 'smtp.example.test', port: 587 },
  },
  connections: 0,
  dependsOnPsc: true,
});

describe('hostile: the add-on never points Thunderbird at a port the host does not hold (19.1)', () => {
  it('hostile: a mailbox listed without this start’s secret and certificate (port taken) is left alone and named', () => {
    const bound = { ...base('a@x.test'), secret: 's-new', tlsCertificate: 'MIIB' };
    const taken: Mailbox = {
      ...base('b@x.test'),
      lastError: { code: 'E_BRIDGE_PORT_TAKEN', message: 'taken', at: 1 },
    };
    const half: Mailbox = { ...base('c@x.test'), secret: 'no-certificate' };
    assert.deepEqual(syncPlan([bound, taken, half]), {
      bound: [
        {
          mailbox: bound,
          endpoint: { imapPort: 14143, smtpPort: 14587, secret: 's-new', tlsCertificate: 'MIIB' },
        },
      ],
      unbound: ['b@x.test', 'c@x.test'],
    });
  });
});
