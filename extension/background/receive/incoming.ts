import { knownFromMes } from '../../../shared/domain/mail/compose-patients';
import { MssanteError } from '../../../shared/errors/mssante-error';
import { displaySubject, isXdmSubject } from '../../../shared/domain/mail/subject';
import { rememberAndReport } from '../compose/settings';
import { overallState } from '../../../shared/domain/mail/report-status';
import { checkReport, readReport, recordReport, sentStatus } from './delivery';
import { allMessages } from './list';
import { isIn, isPatient } from './checks';
import { addTag, setStatusTag } from './tags';

/**
 * What the add-on does to each message of an MSSanté account, once per session: the "Patient
 * MES" tag for patients (ECO.3.1.1), the display subject without `XDM/1.0/DDM+` in the
 * column (ECO.3.1.3), and a returned DSN/MDN matched to the sent message. The stored message
 * is never changed: a tag is a keyword, the display subject a local database property.
 */
export class IncomingMessages {
  private readonly seen = new Set<number>();
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly now: () => number,
    private readonly onError: (error: unknown) => void,
    /** The MSSanté accounts (issue 19.4): mail of any other account is not read. */
    private readonly mssanteAccounts: () => Promise<readonly string[]>,
  ) {}

  /** Queues work so scans never overlap (events come in bursts). */
  private queue(task: () => Promise<void>): Promise<void> {
    this.chain = this.chain.then(task).catch(this.onError);
    return this.chain;
  }

  scanAccounts(accountIds: readonly string[]): Promise<void> {
    return this.queue(async () => {
      for (const accountId of accountIds)
        for await (const m of allMessages(browser.messages.query({ accountId })))
          await this.processOne(m);
    });
  }

  processList(messages: readonly browser.messages.MessageHeader[]): Promise<void> {
    return this.queue(async () => {
      const accounts = new Set(await this.mssanteAccounts());
      for (const m of messages) if (isIn(m, accounts)) await this.processOne(m);
    });
  }

  private async processOne(message: browser.messages.MessageHeader): Promise<void> {
    if (this.seen.has(message.id)) return;
    this.seen.add(message.id);
    try {
      if (isPatient(message.author)) {
        await addTag(message, 'patient');
        // The patient picker of the compose window offers the patients who wrote (ECO.3.1.5).
        const patient = knownFromMes(message.author);
        if (patient) await rememberAndReport(patient, this.onError);
      }
      if (isXdmSubject(message.subject))
        await browser.mssanteReceive.setDisplaySubject(message.id, displaySubject(message.subject));
      // A report may have come before the sent copy reached the local database.
      const status = await sentStatus(message.headerMessageId);
      const state = status && overallState(status);
      if (state) await setStatusTag(message, state);
      if (message.folder?.specialUse?.includes('sent')) return;
      const report = await readReport(message, this.now());
      const verdict = report && (await checkReport(report, message));
      if (verdict?.ok) await recordReport(verdict.report, message);
      else if (verdict)
        this.onError(
          new MssanteError('E_RECEIVE_REPORT_REFUSED', {
            detail: `${message.headerMessageId}: ${verdict.reason}`,
          }),
        );
    } catch (error) {
      this.seen.delete(message.id); // tried again at the next scan
      this.onError(error);
    }
  }
}
