// The add-on's experiment API (extension/experiments/mssanteReceive/schema.json).
declare namespace browser.mssanteReceive {
  function listAccounts(): Promise<string[]>;
  function setReceiptPolicy(
    accountId: string,
  ): Promise<{ enabled: boolean; notInToCc: number; outsideDomain: number; other: number }>;
  function addSubjectColumn(label: string): Promise<void>;
  function useSubjectColumn(accountId: string): Promise<number>;
  function setDisplaySubject(messageId: number, subject: string): Promise<void>;
  function showDisplaySubjects(pendingPrefix?: string): Promise<void>;
}
