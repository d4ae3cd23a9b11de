import assert from 'node:assert/strict';
import type { DeliveryReport } from '../../../shared/domain/mail/reports';
import { applyReport, overallState } from '../../../shared/domain/mail/report-status';
import {
  readSentRecord,
  sentRecord,
  trustedReport,
} from '../../../shared/domain/mail/report-trust';
import { PAUL } from '../../../lab/sandbox/people';

const SENT_ID = 'sent-1@sandbox.mssante.test';
const OTHER = 'inconnu@sandbox.mssante.test';
const sent = sentRecord(SENT_ID, [`Paul DURAND <${PAUL.mailbox}>`, OTHER, 'not an address'], 'a1');
const inbox = { accountId: 'a1' };

const dsn = (...recipients: string[]): DeliveryReport => ({
  kind: 'dsn',
  originalMessageId: SENT_ID,
  recipients: recipients.map((r) => ({ recipient: r, action: 'failed', status: '5.1.1' })),
});
const mdn = (finalRecipient: string): DeliveryReport => ({
  kind: 'mdn',
  originalMessageId: SENT_ID,
  finalRecipient,
  disposition: 'displayed',
});

describe('hostile: forged delivery and read reports (issue 19.6)', () => {
  it('hostile: the recipients are recorded at send time as lower-case addresses; junk is dropped', () => {
    assert.deepEqual(sent, {
      messageId: SENT_ID,
      recipients: [PAUL.mailbox.toLowerCase(), OTHER],
      accountId: 'a1',
    });
    assert.deepEqual(readSentRecord(JSON.parse(JSON.stringify(sent))), sent);
    assert.equal(readSentRecord('x'), null);
    assert.equal(readSentRecord({ messageId: SENT_ID }), null);
  });

  it('hostile: a report about a message never recorded as sent is refused', () => {
    const verdict = trustedReport(dsn(OTHER), { from: 'MAILER-DAEMON@x', ...inbox }, null);
    assert.deepEqual(verdict, { ok: false, reason: 'no message sent with this Message-ID' });
  });

  it('hostile: a report found in another account than the one the message left from is refused', () => {
    const verdict = trustedReport(dsn(OTHER), { from: 'MAILER-DAEMON@x', accountId: 'a2' }, sent);
    assert.equal(verdict.ok, false);
  });

  it('hostile: a DSN keeps only the recipients the message was sent to; naming none, it is refused', () => {
    const verdict = trustedReport(
      dsn('eve@attacker.example', OTHER.toUpperCase()),
      { from: 'MAILER-DAEMON@x', ...inbox },
      sent,
    );
    assert.ok(verdict.ok);
    assert.deepEqual(
      verdict.report.kind === 'dsn' && verdict.report.recipients.map((r) => r.recipient),
      [OTHER.toUpperCase()],
    );
    // What the tag says comes only from the believed part.
    const status = applyReport({ messageId: SENT_ID, recipients: [] }, verdict.report);
    assert.equal(overallState(status), 'failed');
    assert.deepEqual(
      status.recipients.map((r) => r.address),
      [OTHER.toUpperCase()],
    );
    assert.equal(
      trustedReport(dsn('eve@attacker.example'), { from: 'x@y.z', ...inbox }, sent).ok,
      false,
    );
  });

  it('hostile: an MDN counts only when it names a recipient and comes from that recipient', () => {
    const good = trustedReport(
      mdn(PAUL.mailbox),
      { from: `Paul <${PAUL.mailbox}>`, ...inbox },
      sent,
    );
    assert.deepEqual(good, { ok: true, report: mdn(PAUL.mailbox) });
    // A forged "read by Paul" from someone else.
    const forged = trustedReport(
      mdn(PAUL.mailbox),
      { from: 'eve@attacker.example', ...inbox },
      sent,
    );
    assert.deepEqual(forged, {
      ok: false,
      reason: `sent by another address than ${PAUL.mailbox.toLowerCase()}`,
    });
    // An MDN naming a stranger, even from that stranger.
    const stranger = trustedReport(
      mdn('eve@attacker.example'),
      { from: 'eve@attacker.example', ...inbox },
      sent,
    );
    assert.equal(stranger.ok, false);
    // An unreadable From is no recipient.
    assert.equal(trustedReport(mdn(PAUL.mailbox), { from: '<<>>', ...inbox }, sent).ok, false);
  });
});
