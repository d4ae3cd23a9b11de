/* global ExtensionAPI, ExtensionUtils, ChromeUtils, Ci, Services */
'use strict';

// Thin plumbing only (see README.md): the add-on computes what to show; this file stores it
// where Thunderbird's own UI reads it. All experiment scripts of the add-on share one scope
// (mssanteAccounts declares MailServices too): everything here lives in a block.
{
  var { ExtensionError } = ExtensionUtils;
  const { MailServices } = ChromeUtils.importESModule('resource:///modules/MailServices.sys.mjs');
  const { ThreadPaneColumns } = ChromeUtils.importESModule(
    'chrome://messenger/content/ThreadPaneColumns.mjs',
  );

  /** The mark mssanteAccounts.create puts on the servers it creates. */
  const MARK = 'mssante_address';
  const COLUMN = 'mssanteSubjectCol';
  /** Header property (local message database only) holding the subject to show. */
  const PROPERTY = 'mssante-display-subject';
  /** The message list's view, 0 cards (the default), 1 table. */
  const LIST_VIEW_PREF = 'mail.threadpane.listview';
  const TABLE_VIEW = 1;
  /** mdn_* values: 0 never, 1 always send, 2 ask the user. */
  const ALWAYS = 1;

  function mssanteAccount(accountId) {
    const account = MailServices.accounts.getAccount(accountId);
    if (!account || !account.incomingServer || !account.incomingServer.getStringValue(MARK)) {
      throw new ExtensionError(`No MSSanté account ${accountId}`);
    }
    return account;
  }

  this.mssanteReceive = class extends ExtensionAPI {
    onShutdown(isAppShutdown) {
      if (isAppShutdown) return;
      if (ThreadPaneColumns.getCustomColumns().some((c) => c.id === COLUMN))
        ThreadPaneColumns.removeCustomColumn(COLUMN);
    }

    getAPI(context) {
      return {
        mssanteReceive: {
          async listAccounts() {
            return MailServices.accounts.accounts
              .filter((a) => a.incomingServer && a.incomingServer.getStringValue(MARK))
              .map((a) => a.key);
          },

          async setReceiptPolicy(accountId) {
            const account = mssanteAccount(accountId);
            const server = account.incomingServer;
            // nsMsgMdnGenerator reads the server's mdn_* values when the identity says
            // use_custom_prefs, the global mail.mdn.report.* prefs otherwise.
            for (const identity of account.identities) {
              identity.setBoolAttribute('use_custom_prefs', true);
            }
            server.setBoolValue('mdn_report_enabled', true);
            server.setIntValue('mdn_not_in_to_cc', ALWAYS);
            server.setIntValue('mdn_outside_domain', ALWAYS);
            server.setIntValue('mdn_other', ALWAYS);
            return {
              enabled: server.getBoolValue('mdn_report_enabled'),
              notInToCc: server.getIntValue('mdn_not_in_to_cc'),
              outsideDomain: server.getIntValue('mdn_outside_domain'),
              other: server.getIntValue('mdn_other'),
            };
          },

          async addSubjectColumn(label) {
            if (ThreadPaneColumns.getCustomColumns().some((c) => c.id === COLUMN)) return;
            ThreadPaneColumns.addCustomColumn(COLUMN, {
              name: label,
              hidden: false,
              resizable: true,
              sortable: true,
              textCallback: (hdr) => hdr.getStringProperty(PROPERTY) || hdr.mime2DecodedSubject,
            });
          },

          async useSubjectColumn(accountId) {
            const account = mssanteAccount(accountId);
            // Thunderbird 153 opens folders in cards view, which shows Subject and no custom
            // column: until the user picks a view, the table view is used.
            if (!Services.prefs.prefHasUserValue(LIST_VIEW_PREF))
              Services.prefs.setIntPref(LIST_VIEW_PREF, TABLE_VIEW);
            let changed = 0;
            for (const folder of account.incomingServer.rootFolder.descendants) {
              let info;
              try {
                info = folder.msgDatabase.dBFolderInfo;
              } catch {
                continue; // no database yet: Thunderbird creates it on first use
              }
              const stored = info.getCharProperty('columnStates');
              const state = stored ? JSON.parse(stored) : {};
              if (state[COLUMN]) continue; // decided already (by us, or by the user since)
              if (!stored) {
                for (const c of ThreadPaneColumns.getDefaultColumns(folder))
                  state[c.id] = { visible: !c.hidden, ordinal: c.ordinal };
              }
              const subjectOrdinal = state.subjectCol?.ordinal ?? 5;
              state.subjectCol = { ...state.subjectCol, visible: false, ordinal: subjectOrdinal };
              state[COLUMN] = { visible: true, ordinal: subjectOrdinal };
              state.tagsCol = {
                ...state.tagsCol,
                visible: true,
                ordinal: state.tagsCol?.ordinal ?? 20,
              };
              info.setCharProperty('columnStates', JSON.stringify(state));
              folder.msgDatabase.commit(Ci.nsMsgDBCommitType.kLargeCommit);
              changed += 1;
              // A list already showing the folder takes the new layout now.
              for (const win of Services.wm.getEnumerator('mail:3pane')) {
                for (const info of win.document.getElementById('tabmail')?.tabInfo ?? []) {
                  const about3Pane =
                    info.mode?.name === 'mail3PaneTab' && info.chromeBrowser?.contentWindow;
                  if (about3Pane?.gFolder === folder) about3Pane.threadPane?.restoreColumns();
                }
              }
            }
            return changed;
          },

          async setDisplaySubject(messageId, subject) {
            const hdr = context.extension.messageManager.get(messageId);
            if (!hdr) throw new ExtensionError(`No message ${messageId}`);
            if (hdr.getStringProperty(PROPERTY) === subject) return;
            hdr.setStringProperty(PROPERTY, subject);
            ThreadPaneColumns.refreshCustomColumn(COLUMN);
          },
        },
      };
    }
  };
}
