/* global ExtensionCommon, ExtensionAPI, ChromeUtils, Ci */
'use strict';

// Thin plumbing only (see README.md): the add-on decides what to create; this file creates it.
var { ExtensionError } = ExtensionUtils;
const { MailServices } = ChromeUtils.importESModule('resource:///modules/MailServices.sys.mjs');

/** Marks what this API created, so it never touches the user's other accounts. */
const MARK = 'mssante_address';

function mssanteAccount(accountId) {
  const account = MailServices.accounts.getAccount(accountId);
  if (!account || !account.incomingServer || !account.incomingServer.getStringValue(MARK)) {
    throw new ExtensionError(`No MSSanté account ${accountId}`);
  }
  return account;
}

function findByAddress(address) {
  const wanted = address.toLowerCase();
  for (const account of MailServices.accounts.accounts) {
    const server = account.incomingServer;
    if (server && server.getStringValue(MARK).toLowerCase() === wanted) return account;
  }
  return null;
}

this.mssanteAccounts = class extends ExtensionAPI {
  getAPI() {
    return {
      mssanteAccounts: {
        async create({ address, fullName, imapPort, smtpPort, secret }) {
          if (findByAddress(address))
            throw new ExtensionError(`An MSSanté account for ${address} exists`);
          const server = MailServices.accounts.createIncomingServer(address, '127.0.0.1', 'imap');
          server.port = imapPort;
          server.socketType = Ci.nsMsgSocketType.plain; // loopback to the host's bridge
          server.authMethod = Ci.nsMsgAuthMethod.passwordCleartext;
          server.password = secret;
          server.prettyName = `MSSanté — ${address}`;
          server.setStringValue(MARK, address);
          const smtp = MailServices.outgoingServer
            .createServer('smtp')
            .QueryInterface(Ci.nsISmtpServer);
          smtp.hostname = '127.0.0.1';
          smtp.port = smtpPort;
          smtp.username = address;
          smtp.password = secret;
          smtp.authMethod = Ci.nsMsgAuthMethod.passwordCleartext;
          smtp.socketType = Ci.nsMsgSocketType.plain;
          smtp.description = `MSSanté — ${address}`;
          const identity = MailServices.accounts.createIdentity();
          identity.fullName = fullName;
          identity.email = address;
          identity.smtpServerKey = smtp.key;
          // Sent, Drafts and Templates on the MSSanté mailbox itself (a fresh profile has no
          // Local Folders, where Thunderbird would otherwise look and fail to send).
          const root = server.rootFolder.URI;
          identity.doFcc = true;
          identity.fccFolderURI = `${root}/Sent`;
          identity.draftsFolderURI = `${root}/Drafts`;
          identity.templatesFolderURI = `${root}/Templates`;
          const account = MailServices.accounts.createAccount();
          account.incomingServer = server;
          account.addIdentity(identity);
          // Thunderbird keeps its Outbox in Local Folders; a fresh profile has none.
          try {
            MailServices.accounts.localFoldersServer;
          } catch {
            MailServices.accounts.createLocalMailAccount();
          }
          return { accountId: account.key, identityId: identity.key, smtpServerId: smtp.key };
        },
        async find(address) {
          return findByAddress(address)?.key ?? null;
        },
        async updatePorts(accountId, imapPort, smtpPort) {
          const account = mssanteAccount(accountId);
          account.incomingServer.port = imapPort;
          for (const identity of account.identities) {
            const smtp = MailServices.outgoingServer.getServerByKey(identity.smtpServerKey);
            if (smtp) smtp.QueryInterface(Ci.nsISmtpServer).port = smtpPort;
          }
        },
        async remove(accountId) {
          const account = mssanteAccount(accountId);
          const smtpKeys = [...account.identities].map((i) => i.smtpServerKey).filter(Boolean);
          MailServices.accounts.removeAccount(account, true);
          for (const key of smtpKeys) {
            const smtp = MailServices.outgoingServer.getServerByKey(key);
            if (smtp) MailServices.outgoingServer.deleteServer(smtp);
          }
        },
      },
    };
  }
};
