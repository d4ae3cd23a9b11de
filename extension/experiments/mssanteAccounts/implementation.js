/* global ExtensionCommon, ExtensionAPI, ChromeUtils, Ci, Cc, Services */
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

/**
 * Pins the bridge's loopback certificate (DER, base64) for exactly 127.0.0.1 and these ports
 * (nsICertOverrideService, Thunderbird 153: host, port, origin attributes, cert, temporary):
 * Thunderbird then talks TLS to that certificate only, so a program of another user holding the
 * port while the host is down gets a failed handshake, never the secret (docs/security.md, 19.1).
 */
function pin(ports, certificate) {
  const cert = Cc['@mozilla.org/security/x509certdb;1']
    .getService(Ci.nsIX509CertDB)
    .constructX509FromBase64(certificate);
  const overrides = Cc['@mozilla.org/security/certoverride;1'].getService(
    Ci.nsICertOverrideService,
  );
  for (const port of ports) overrides.rememberValidityOverride(BRIDGE_HOST, port, {}, cert, false);
}

/** Drops the pins of ports the bridge no longer uses. */
function unpin(ports) {
  const overrides = Cc['@mozilla.org/security/certoverride;1'].getService(
    Ci.nsICertOverrideService,
  );
  for (const port of ports) overrides.clearValidityOverride(BRIDGE_HOST, port, {});
}

const BRIDGE_HOST = '127.0.0.1';

/** The account's SMTP servers (those of its identities). */
function smtpServers(account) {
  const servers = [];
  for (const identity of account.identities) {
    const smtp = MailServices.outgoingServer.getServerByKey(identity.smtpServerKey);
    if (smtp) servers.push(smtp.QueryInterface(Ci.nsISmtpServer));
  }
  return servers;
}

/**
 * The SMTP server takes its password from the account's IMAP server (the bridge's one local
 * secret for both): Thunderbird 140 rebuilds every SMTP server object when one is created, which
 * forgets the password set on the others (153 keeps them).
 */
function shareSecret(smtp, server) {
  Services.prefs.setCharPref(`mail.smtpserver.${smtp.key}.incomingAccount`, server.key);
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
        async create({ address, fullName, imapPort, smtpPort, secret, tlsCertificate }) {
          if (findByAddress(address))
            throw new ExtensionError(`An MSSanté account for ${address} exists`);
          pin([imapPort, smtpPort], tlsCertificate);
          const server = MailServices.accounts.createIncomingServer(address, BRIDGE_HOST, 'imap');
          server.port = imapPort;
          server.socketType = Ci.nsMsgSocketType.SSL; // the bridge's pinned loopback certificate
          server.authMethod = Ci.nsMsgAuthMethod.passwordCleartext;
          server.password = secret;
          server.prettyName = `MSSanté — ${address}`;
          server.setStringValue(MARK, address);
          const smtp = MailServices.outgoingServer
            .createServer('smtp')
            .QueryInterface(Ci.nsISmtpServer);
          smtp.hostname = BRIDGE_HOST;
          smtp.port = smtpPort;
          smtp.username = address;
          smtp.password = secret;
          smtp.authMethod = Ci.nsMsgAuthMethod.passwordCleartext;
          smtp.socketType = Ci.nsMsgSocketType.SSL;
          smtp.description = `MSSanté — ${address}`;
          shareSecret(smtp, server);
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
        async update(accountId, { imapPort, smtpPort, secret, tlsCertificate }) {
          const account = mssanteAccount(accountId);
          const server = account.incomingServer;
          const smtps = smtpServers(account);
          const before = [server.port, ...smtps.map((smtp) => smtp.port)];
          unpin(before.filter((port) => port !== imapPort && port !== smtpPort));
          pin([imapPort, smtpPort], tlsCertificate);
          server.port = imapPort;
          server.socketType = Ci.nsMsgSocketType.SSL;
          server.password = secret;
          for (const smtp of smtps) {
            smtp.port = smtpPort;
            smtp.socketType = Ci.nsMsgSocketType.SSL;
            smtp.password = secret;
            shareSecret(smtp, server);
          }
        },
        async remove(accountId) {
          const account = mssanteAccount(accountId);
          unpin([account.incomingServer.port, ...smtpServers(account).map((smtp) => smtp.port)]);
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
