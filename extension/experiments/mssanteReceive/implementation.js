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
  const { MailNotificationManager } = ChromeUtils.importESModule(
    'resource:///modules/MailNotificationManager.sys.mjs',
  );
  const { setTimeout } = ChromeUtils.importESModule('resource://gre/modules/Timer.sys.mjs');

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
   * Subjects starting with this (the background's rule, passed in: the XDM prefix) get a display
   * subject soon after they arrive: the new-mail notification waits for it, briefly.
   */
  let pendingPrefix = '';
  /** How long the new-mail notification waits for a display subject not stored yet. */
  const NOTIFICATION_WAIT_MS = 3000;

  /** Thunderbird chrome functions wrapped to show display subjects: [owner, name, original]. */
  const wrapped = [];

  /** Replaces `owner[name]` by `make(original)` once; unwrapAll puts the original back. */
  function wrap(owner, name, make) {
    const original = owner?.[name];
    if (typeof original !== 'function' || original.mssanteWrapped) return;
    const replacement = make(original);
    replacement.mssanteWrapped = true;
    owner[name] = replacement;
    wrapped.push([owner, name, original]);
  }

  function unwrapAll() {
    for (const [owner, name, original] of wrapped.splice(0)) {
      try {
        owner[name] = original;
      } catch {
        // The window is gone, and its function with it.
      }
    }
  }

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

  /**
   * Printing a displayed message (aboutMessage.js cmd_print hands the message pane to
   * PrintUtils.startPrintWindow): libmime writes the headers in that document as
   * `.moz-main-header` tables, hidden on screen and printed. Just before the print preview clones
   * the document, the subject cell's text, which ends with the stored subject, ends with the
   * display subject instead.
   */
  function wrapPrint(win) {
    wrap(
      win.PrintUtils,
      'startPrintWindow',
      (original) =>
        function startPrintWindow(browsingContext, ...rest) {
          try {
            showPrintSubject(browsingContext);
          } catch {
            // Printing goes on with Thunderbird's own header.
          }
          return original.call(this, browsingContext, ...rest);
        },
    );
  }

  function showPrintSubject(browsingContext) {
    // The message pane (#messagepane) of an about:message document: its message is gMessage.
    const pane = browsingContext?.embedderElement;
    const hdr = pane?.id === 'messagepane' ? pane.ownerDocument.defaultView?.gMessage : null;
    if (!shownSubject(hdr)) return;
    const stored = hdr.mime2DecodedSubject;
    const subject = hdr.getStringProperty(PROPERTY);
    for (const cell of browsingContext.window?.document.querySelectorAll(
      'table.moz-main-header td',
    ) ?? []) {
      const text = cell.lastChild;
      if (text?.nodeType !== text?.TEXT_NODE || !text.data.endsWith(stored)) continue;
      text.data = text.data.slice(0, text.data.length - stored.length) + subject;
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

  /**
   * The cards view (thread-card.mjs, ThreadCard.fillRow writes the subject line from the view's
   * subject cell): after Thunderbird fills a card, its subject line and tooltip take the display
   * subject. The class is per about:3pane document, so each one is wrapped once. Thunderbird 140
   * names the method `_fillRow` (153: `fillRow`).
   */
  function wrapCards(about3Pane) {
    const registry = about3Pane?.customElements;
    if (!registry) return;
    const ThreadCard = registry.get('thread-card');
    if (!ThreadCard) {
      registry.whenDefined('thread-card').then(
        () => wrapCards(about3Pane),
        () => undefined,
      );
      return;
    }
    const fill = 'fillRow' in ThreadCard.prototype ? 'fillRow' : '_fillRow';
    wrap(
      ThreadCard.prototype,
      fill,
      (original) =>
        function fillRow(...args) {
          const result = original.apply(this, args);
          const subject = cardSubject(this);
          if (subject && this.subjectLine) {
            this.subjectLine.textContent = subject;
            this.subjectLine.title = subject;
          }
          return result;
        },
    );
  }

  function cardSubject(card) {
    try {
      return shownSubject(card.view?.getMsgHdrAt(card._index));
    } catch {
      return null; // a dummy row (grouped by sort) has no message header
    }
  }

  /**
   * "Save as" (mailCommands.js SaveAsFile): the file name Thunderbird proposes begins with the
   * stored subject (GenerateFilenameFromMsgHdr); that beginning becomes the display subject.
   */
  function wrapSaveAs(win) {
    wrap(
      win,
      'GenerateFilenameFromMsgHdr',
      (original) =>
        function GenerateFilenameFromMsgHdr(msgHdr) {
          const name = original.call(this, msgHdr);
          const subject = shownSubject(msgHdr);
          if (!subject) return name;
          const stored =
            (msgHdr.flags & Ci.nsMsgMessageFlags.HasRe ? 'Re: ' : '') + msgHdr.mime2DecodedSubject;
          return name.startsWith(stored) ? subject + name.slice(stored.length) : name;
        },
    );
  }

  /**
   * The new-mail notification (MailNotificationManager._getAlertBody puts the stored subject in
   * the alert's text): the display subject replaces it. A message whose subject starts with the
   * pending prefix may not have its display subject yet (the add-on sets it as the message
   * arrives): the text waits for it, at most NOTIFICATION_WAIT_MS. Thunderbird 153 exports the
   * manager itself; 140 exports its class (the instance is an XPCOM service), whose prototype is
   * wrapped instead.
   */
  function wrapNotification() {
    wrap(
      typeof MailNotificationManager === 'function'
        ? MailNotificationManager.prototype
        : MailNotificationManager,
      '_getAlertBody',
      (original) =>
        async function _getAlertBody(folder, msgHdr) {
          const body = await original.call(this, folder, msgHdr);
          return notificationText(body, msgHdr);
        },
    );
  }

  async function notificationText(body, hdr) {
    const stored = hdr?.mime2DecodedSubject;
    if (!body || !stored || !hdr.folder?.server?.getStringValue(MARK)) return body;
    let waited = 0;
    while (!hdr.getStringProperty(PROPERTY) && pendingPrefix && stored.startsWith(pendingPrefix)) {
      if (waited >= NOTIFICATION_WAIT_MS) return body;
      await new Promise((resolve) => setTimeout(resolve, 100));
      waited += 100;
    }
    const subject = hdr.getStringProperty(PROPERTY);
    return subject ? body.replace(stored, () => subject) : body;
  }

  function hookWindow(win) {
    win.addEventListener('aboutMessageLoaded', onAboutMessageLoaded);
    wrapSaveAs(win);
    wrapPrint(win);
    for (const bc of win.browsingContext.getAllBrowsingContextsInSubtree()) {
      if (bc.currentURI?.spec === 'about:message' && bc.window) hookAboutMessage(bc.window);
      if (bc.currentURI?.spec === 'about:3pane' && bc.window) wrapCards(bc.window);
    }
  }

  function onAboutMessageLoaded(event) {
    // event.target is the about:message window (aboutMessage.js dispatches it there); in a mail
    // tab its parent is the tab's about:3pane (a new tab's list too).
    hookAboutMessage(event.target);
    const parent = event.target.browsingContext?.parent?.window;
    if (parent?.location?.href === 'about:3pane') wrapCards(parent);
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
    unwrapAll();
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

          async showDisplaySubjects(prefix) {
            pendingPrefix = typeof prefix === 'string' ? prefix : '';
            if (ExtensionSupport) return;
            wrapNotification();
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
