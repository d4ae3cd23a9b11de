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

  /** The window listener id (ExtensionSupport) of the message displays' subject. */
  const WINDOW_HOOK = 'mssante-receive-display-subject';
  const MAIL_WINDOWS = [
    'chrome://messenger/content/messenger.xhtml',
    'chrome://messenger/content/messageWindow.xhtml',
  ];
  /** about:message windows whose gMessageListeners hold our listener (window -> listener). */
  const hooked = new Map();
  let ExtensionSupport;

  /**
   * What the header pane and the title show for a message: its display subject (set by
   * setDisplaySubject) when it belongs to an MSSanté account, "Re: " kept as Thunderbird puts it
   * (the HasRe flag); null leaves Thunderbird's own subject.
   */
  function shownSubject(hdr) {
    const server = hdr?.folder?.server;
    if (!server || !server.getStringValue(MARK)) return null;
    const subject = hdr.getStringProperty(PROPERTY);
    if (!subject) return null;
    return (hdr.flags & Ci.nsMsgMessageFlags.HasRe ? 'Re: ' : '') + subject;
  }

  /**
   * Puts the display subject in an about:message window: the subject row of the header pane
   * (msgHdrView.js currentHeaderData, rendered by UpdateExpandedMessageHeaders) and the
   * document title, which Thunderbird copies to the tab (mailTabs.js, DOMTitleChanged) and to
   * the message window's title (messageWindow.js). `rendered`: the header pane is shown
   * already, so its row is written too.
   */
  function showSubject(aboutMessage, rendered) {
    const subject = shownSubject(aboutMessage.gMessage);
    if (!subject) return;
    const data = aboutMessage.currentHeaderData?.subject;
    if (!data) return; // headers not streamed yet: onBeforeShowHeaderPane will come
    data.headerValue = subject;
    if (aboutMessage.document.title !== subject) aboutMessage.document.title = subject;
    if (rendered) {
      const row = aboutMessage.document.getElementById('expandedsubjectBox');
      if (row?.value) row.headerValue = subject;
    }
  }

  /** Joins the about:message window's gMessageListeners (msgHdrView.js, meant for add-ons). */
  function hookAboutMessage(aboutMessage) {
    if (hooked.has(aboutMessage) || !Array.isArray(aboutMessage.gMessageListeners)) return;
    const listener = {
      onStartHeaders() {},
      onEndHeaders() {},
      onEndAttachments() {},
      // Called after the headers are read and before the header pane is filled.
      onBeforeShowHeaderPane: () => showSubject(aboutMessage, false),
    };
    aboutMessage.gMessageListeners.push(listener);
    hooked.set(aboutMessage, listener);
    aboutMessage.addEventListener('unload', () => hooked.delete(aboutMessage), { once: true });
    showSubject(aboutMessage, true); // a message displayed before the hook
  }

  function hookWindow(win) {
    win.addEventListener('aboutMessageLoaded', onAboutMessageLoaded);
    for (const bc of win.browsingContext.getAllBrowsingContextsInSubtree()) {
      if (bc.currentURI?.spec === 'about:message' && bc.window) hookAboutMessage(bc.window);
    }
  }

  function onAboutMessageLoaded(event) {
    // event.target is the about:message window (aboutMessage.js dispatches it there).
    hookAboutMessage(event.target);
  }

  function unhookAll() {
    if (!ExtensionSupport) return;
    ExtensionSupport.unregisterWindowListener(WINDOW_HOOK);
    for (const win of Services.wm.getEnumerator(null))
      win.removeEventListener('aboutMessageLoaded', onAboutMessageLoaded);
    for (const [aboutMessage, listener] of hooked) {
      const list = aboutMessage.gMessageListeners;
      const at = list ? list.indexOf(listener) : -1;
      if (at >= 0) list.splice(at, 1);
    }
    hooked.clear();
    ExtensionSupport = undefined;
  }

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
      unhookAll();
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
            // A display already showing the message (opened before we got to it) follows.
            for (const aboutMessage of hooked.keys()) {
              const shown = aboutMessage.gMessage;
              if (shown?.messageKey === hdr.messageKey && shown.folder?.URI === hdr.folder?.URI)
                showSubject(aboutMessage, true);
            }
          },

          async showDisplaySubjects() {
            if (ExtensionSupport) return;
            ({ ExtensionSupport } = ChromeUtils.importESModule(
              'resource:///modules/ExtensionSupport.sys.mjs',
            ));
            ExtensionSupport.registerWindowListener(WINDOW_HOOK, {
              chromeURLs: MAIL_WINDOWS,
              onLoadWindow: hookWindow,
              onUnloadWindow: (win) =>
                win.removeEventListener('aboutMessageLoaded', onAboutMessageLoaded),
            });
          },
        },
      };
    }
  };
}
