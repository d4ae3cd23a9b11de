// The add-on's experiment API (extension/experiments/mssanteAccounts/schema.json).
declare namespace browser.mssanteAccounts {
  interface BridgedAccount {
    address: string;
    fullName: string;
    imapPort: number;
    smtpPort: number;
    secret: string;
    tlsCertificate: string;
  }
  type BridgeEndpoint = import('./bridge-endpoints').BridgeEndpoint;
  function create(
    account: BridgedAccount,
  ): Promise<{ accountId: string; identityId: string; smtpServerId: string }>;
  function find(address: string): Promise<string | null>;
  function update(accountId: string, endpoint: BridgeEndpoint): Promise<void>;
  function remove(accountId: string): Promise<void>;
}
