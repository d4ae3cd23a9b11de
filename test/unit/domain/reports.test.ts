import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDeliveryReport } from '../../../shared/domain/mail/reports';
import {
  applyReport,
  describeRecipient,
  explainStatus,
  overallState,
  type SentStatus,
} from '../../../shared/domain/mail/report-status';
import { GOLDEN } from '../../fixtures/reports/generate';
import { PAUL } from '../../../lab/sandbox/people';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/reports');
const golden = (name: string) => readFileSync(path.join(dir, name), 'latin1');

describe('delivery reports (DSN RFC 3464, MDN RFC 8098)', () => {
  it('reads a failure DSN of the sandbox MTA: recipient, status, diagnostic and the sent Message-ID from the returned headers', () => {
    assert.deepEqual(parseDeliveryReport(golden('dsn-failed-headers.eml')), {
      kind: 'dsn',
      originalMessageId: 'sent-1@sandbox.mssante.test',
      reportingMta: 'smtp.sandbox.mssante.test',
      recipients: [
        {
          recipient: 'inconnu@sandbox.mssante.test',
          original: 'inconnu@sandbox.mssante.test',
          action: 'failed',
          status: '5.1.1',
          diagnostic: '550 5.1.1 <inconnu@sandbox.mssante.test>: Recipient address rejected',
        },
      ],
    });
  });

  it('reads a mixed DSN returning the full message (message/rfc822), with ENVID and ORCPT', () => {
    const report = parseDeliveryReport(golden('dsn-mixed-full.eml'));
    assert.ok(report && report.kind === 'dsn');
    assert.equal(report.originalMessageId, 'sent-1@sandbox.mssante.test');
    assert.equal(report.envelopeId, 'ENV-42');
    assert.deepEqual(
      report.recipients.map((r) => [r.recipient, r.original, r.action, r.status]),
      [
        [PAUL.mailbox, PAUL.mailbox, 'delivered', '2.0.0'],
        ['x@nowhere.example', 'X@Nowhere.example', 'failed', '5.1.2'],
      ],
    );
  });

  it('the golden files are what the sandbox MTA builds today (same parse as a fresh buildDsn)', () => {
    for (const [name, bytes] of Object.entries(GOLDEN))
      assert.deepEqual(
        parseDeliveryReport(bytes.toString('latin1')),
        parseDeliveryReport(golden(name)),
        name,
      );
  });

  it('reads Thunderbird’s MDN: displayed, Original-Message-ID, Final-Recipient (folded Content-Type)', () => {
    assert.deepEqual(parseDeliveryReport(golden('mdn-thunderbird-displayed.eml')), {
      kind: 'mdn',
      disposition: 'displayed',
      mode: 'manual-action/MDN-sent-manually',
      originalMessageId: 'sent-1@sandbox.mssante.test',
      finalRecipient: PAUL.mailbox,
    });
  });

  it('reads an RFC 8098 MDN with a quoted report-type, a folded Original-Message-ID and Original-Recipient', () => {
    assert.deepEqual(parseDeliveryReport(golden('mdn-rfc8098-deleted.eml')), {
      kind: 'mdn',
      disposition: 'deleted',
      mode: 'automatic-action/MDN-sent-automatically',
      originalMessageId: 'sent-2@sandbox.mssante.test',
      finalRecipient: 'lucie.bernard@hopital.example',
      originalRecipient: 'Lucie.Bernard@hopital.example',
    });
  });

  it('is null for an ordinary message, another report type, or a report without its machine part', () => {
    assert.equal(parseDeliveryReport('From: a@b\r\nSubject: x\r\n\r\nhello\r\n'), null);
    assert.equal(
      parseDeliveryReport(
        'Content-Type: multipart/report; report-type=other; boundary=b\r\n\r\n--b\r\n\r\nx\r\n--b--\r\n',
      ),
      null,
    );
    assert.equal(
      parseDeliveryReport(
        'Content-Type: multipart/report; report-type=delivery-status; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--\r\n',
      ),
      null,
    );
  });

  it('reads only the first MiB of a huge report, without failing', () => {
    const huge = golden('dsn-failed-headers.eml').replace(
      'Content-Type: text/rfc822-headers',
      `Content-Type: text/plain\r\n\r\n${'x'.repeat(2 * 1024 * 1024)}\r\n--dsn-0000000000000000\r\nContent-Type: text/rfc822-headers`,
    );
    const report = parseDeliveryReport(huge);
    assert.ok(report && report.kind === 'dsn');
    assert.equal(report.recipients.length, 1);
  });
});

describe('sent message status from reports', () => {
  const sent: SentStatus = { messageId: 'sent-1@sandbox.mssante.test', recipients: [] };

  it('matches DSN and MDN to recipients by Original-Recipient: delivered then read; a failure names the recipient and the cause (fr/en)', () => {
    let status = applyReport(sent, parseDeliveryReport(golden('dsn-mixed-full.eml'))!);
    assert.equal(overallState(status), 'failed');
    const failed = status.recipients.find((r) => r.state === 'failed')!;
    assert.equal(
      describeRecipient(failed, 'fr'),
      'Non remis à X@Nowhere.example : ce domaine de messagerie n’existe pas (5.1.2).',
    );
    assert.equal(
      describeRecipient(failed, 'en'),
      'Not delivered to X@Nowhere.example: this mail domain does not exist (5.1.2).',
    );
    status = applyReport(status, parseDeliveryReport(golden('mdn-thunderbird-displayed.eml'))!);
    const paul = status.recipients.find((r) => r.address === PAUL.mailbox)!;
    assert.equal(paul.state, 'read');
    assert.equal(describeRecipient(paul, 'fr'), 'Lu par paul.durand@sandbox.mssante.test.');
  });

  it('a read message stays read when a late delivery DSN arrives; all read is "read"', () => {
    const mdn = parseDeliveryReport(golden('mdn-thunderbird-displayed.eml'))!;
    let status = applyReport(sent, mdn);
    assert.equal(overallState(status), 'read');
    status = applyReport(status, {
      kind: 'dsn',
      recipients: [
        { recipient: 'Paul.Durand@sandbox.mssante.test', action: 'delivered', status: '2.0.0' },
      ],
    });
    assert.equal(status.recipients.length, 1);
    assert.equal(status.recipients[0]!.state, 'read');
  });

  it('explains status codes from the most specific known entry', () => {
    assert.equal(explainStatus('5.1.1', 'fr'), 'cette adresse n’existe pas');
    assert.equal(explainStatus('5.1.99', 'en'), 'the recipient’s address is refused');
    assert.equal(explainStatus('5.9.9', 'en'), 'delivery permanently impossible');
    assert.equal(explainStatus(undefined, 'fr'), 'cause inconnue');
  });
});
