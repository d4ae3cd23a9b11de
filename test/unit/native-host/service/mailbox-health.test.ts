import assert from 'node:assert/strict';
import { MailboxHealth } from '../../../../native-host/service/mailbox-health';

describe('mailbox health (the state each mailbox shows, ECO.1.2.3)', () => {
  const failed = (mailbox: string, code: string) =>
    ({ author: 'x', mailbox, action: 'authenticate', outcome: 'failed', code }) as const;

  it('ECO.1.2.3 keeps each mailbox’s last login failure until a login of that mailbox succeeds', () => {
    const health = new MailboxHealth(() => 1);
    health.observe(failed('a@x.test', 'E_UPSTREAM_AUTH'));
    health.observe(failed('b@x.test', 'E_TRUST_EXPIRED'));
    health.observe({ author: 'x', mailbox: 'A@x.test', action: 'authenticate', outcome: 'ok' });
    assert.equal(health.lastError('a@x.test'), undefined);
    assert.equal(health.lastError('b@x.test')?.code, 'E_TRUST_EXPIRED');
  });

  it('ECO.1.2.3 a new PSC session ends “not signed in” on every mailbox, and nothing else', () => {
    const health = new MailboxHealth(() => 1);
    health.observe(failed('per@x.test', 'E_PSC_NOT_SIGNED_IN'));
    health.observe(failed('org@x.test', 'E_PSC_REFRESH_INVALID'));
    health.observe(failed('app@x.test', 'E_TRUST_EXPIRED'));
    health.sessionStarted();
    assert.equal(health.lastError('per@x.test'), undefined);
    assert.equal(health.lastError('org@x.test'), undefined);
    assert.equal(health.lastError('app@x.test')?.code, 'E_TRUST_EXPIRED');
  });
});
