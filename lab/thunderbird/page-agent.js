/* global addMessageListener, sendAsyncMessage, BrowsingContext, ChromeUtils, Cu */
// Test-only agent, loaded by the e2e harness into Thunderbird's content processes through
// Marionette (Services.ppmm.loadProcessScript with a data: URL). It acts on one add-on page,
// identified by its browsing context id, in the extension process where that page lives. It is
// never part of the add-on: the production build contains no test hook.
'use strict';

const HOST_NAME = '@HOST_NAME@';
/** The running 'watch' operations, by key and browsing context. */
const watches = new Map();

async function run(win, op, data) {
  const page = win.wrappedJSObject;
  const doc = win.document;
  switch (op) {
    case 'read': {
      const out = {};
      for (const [key, selector] of Object.entries(data)) {
        const el = doc.querySelector(selector);
        out[key] = el
          ? {
              text: el.textContent,
              hidden: el.hidden || !!el.closest('[hidden]'),
              data: { ...el.dataset },
              ...('value' in el ? { value: el.value } : {}),
            }
          : null;
      }
      return out;
    }
    case 'click':
      doc.querySelector(data).click();
      return true;
    case 'fill': {
      // Sets a form field as a user would: { selector, value }, then input and change events.
      const el = doc.querySelector(data.selector);
      el.value = data.value;
      el.dispatchEvent(new win.Event('input', { bubbles: true }));
      el.dispatchEvent(new win.Event('change', { bubbles: true }));
      return true;
    }
    case 'file': {
      // Picks a file in an <input type=file> as a user would: { selector, name, base64 }.
      const el = doc.querySelector(data.selector);
      const bytes = Uint8Array.from(atob(data.base64), (c) => c.charCodeAt(0));
      el.mozSetFileArray([new win.File([bytes], data.name)]);
      el.dispatchEvent(new win.Event('input', { bubbles: true }));
      el.dispatchEvent(new win.Event('change', { bubbles: true }));
      return true;
    }
    case 'attach': {
      // Attaches a file to a compose tab as a user would: { tabId, name, base64 }.
      const bytes = Uint8Array.from(atob(data.base64), (c) => c.charCodeAt(0));
      const file = new win.File([bytes], data.name);
      const spec = Cu.cloneInto({ file, name: data.name }, page, { wrapReflectors: true });
      const added = await page.browser.compose.addAttachment(data.tabId, spec);
      return JSON.parse(JSON.stringify(added));
    }
    case 'call': {
      // Any WebExtension API of the page, e.g. { api: 'compose.beginNew', args: [...] }
      // or a nested namespace ('messages.tags.list', 'scripting.messageDisplay.…').
      const path = data.api.split('.');
      const fn = path.pop();
      const target = path.reduce((o, k) => o[k], page.browser);
      const result = await target[fn](...Cu.cloneInto(data.args, page));
      return result === undefined ? null : JSON.parse(JSON.stringify(result));
    }
    case 'sendMessage': {
      const reply = await page.browser.runtime.sendMessage(Cu.cloneInto(data, page));
      return JSON.parse(JSON.stringify(reply));
    }
    case 'native': {
      // Opens the page's own native port (a second host process) and sends raw messages.
      const port = page.browser.runtime.connectNative(HOST_NAME);
      const replies = [];
      let disconnect = null;
      await new Promise((resolve) => {
        const timer = win.setTimeout(resolve, data.timeoutMs);
        port.onMessage.addListener(
          Cu.exportFunction((message) => {
            replies.push(JSON.parse(JSON.stringify(message)));
            if (replies.length >= data.expect) {
              win.clearTimeout(timer);
              resolve();
            }
          }, page),
        );
        port.onDisconnect.addListener(
          Cu.exportFunction((p) => {
            disconnect = (p && p.error && p.error.message) || 'disconnected';
            win.clearTimeout(timer);
            resolve();
          }, page),
        );
        for (const message of data.messages) port.postMessage(Cu.cloneInto(message, page));
      });
      port.disconnect();
      return { replies, disconnect };
    }
    case 'contentScript': {
      // Runs `data.code` (an expression giving a promise of a string) in the content script of
      // add-on `data.addonId` in this window (a displayed message): what the banner script can do.
      const { ExtensionContent } = ChromeUtils.importESModule(
        'resource://gre/modules/ExtensionContent.sys.mjs',
      );
      const context = ExtensionContent.getContextByExtensionId(data.addonId, win);
      const sandbox = context?.sandbox ?? context?.cloneScope;
      if (!sandbox) throw new Error('no content script of the add-on in this window');
      return String(await Cu.evalInSandbox(data.code, sandbox));
    }
    case 'axe': {
      // Runs axe-core (its source in data.source, from the test's node_modules) on the page: a
      // sandbox with the page's principal and no Xrays sees the page's own DOM, and the page's
      // CSP (no eval) does not apply to it. Returns axe's violations, summarised.
      const sandbox = Cu.Sandbox(win, { sandboxPrototype: win, wantXrays: false, sameZoneAs: win });
      Cu.evalInSandbox(data.source, sandbox);
      sandbox.axeOptions = Cu.cloneInto(data.options, sandbox);
      const results = await Cu.evalInSandbox('axe.run(document, axeOptions)', sandbox);
      return JSON.parse(
        JSON.stringify({
          violations: results.violations.map((v) => ({
            id: v.id,
            impact: v.impact,
            help: v.help,
            nodes: v.nodes.map((n) => ({ target: n.target, summary: n.failureSummary })),
          })),
          passes: results.passes.length,
          incomplete: results.incomplete.map((v) => ({
            id: v.id,
            impact: v.impact,
            nodes: v.nodes.length,
          })),
        }),
      );
    }
    case 'focus': {
      // The element that has the focus and how it looks: { selector?, outline, id, tag }.
      const el = doc.activeElement;
      if (!el) return null;
      const style = win.getComputedStyle(el);
      return {
        id: el.id,
        tag: el.localName,
        type: el.type ?? null,
        name: el.name ?? null,
        checked: el.checked ?? null,
        data: { ...el.dataset },
        text: el.textContent,
        focusVisible: el.matches(':focus-visible'),
        outlineStyle: style.outlineStyle,
        outlineWidth: style.outlineWidth,
        boxShadow: style.boxShadow,
      };
    }
    case 'style': {
      // Computed style properties of one element: { selector, props: [...] }.
      const el = doc.querySelector(data.selector);
      if (!el) return null;
      const style = win.getComputedStyle(el);
      const out = {};
      for (const prop of data.props) out[prop] = style.getPropertyValue(prop);
      out.prefersDark = win.matchMedia('(prefers-color-scheme: dark)').matches;
      return out;
    }
    case 'watch': {
      // Records every state one element passes through from now on ({ key, selector }): its
      // text, whether it is hidden and its data-sign, each time they change. Short-lived states
      // (a busy line replaced as soon as the work is done) are seen this way, not by polling.
      const el = doc.querySelector(data.selector);
      if (!el) throw new Error('nothing matches ' + data.selector);
      const seen = [];
      const snapshot = () => {
        const state = {
          text: el.textContent.trim(),
          hidden: el.hidden || !!el.closest('[hidden]'),
          sign: el.dataset.sign ?? null,
        };
        const last = seen[seen.length - 1];
        if (!last || JSON.stringify(last) !== JSON.stringify(state)) seen.push(state);
      };
      snapshot();
      const observer = new win.MutationObserver(snapshot);
      observer.observe(doc.body, {
        subtree: true,
        childList: true,
        characterData: true,
        attributes: true,
      });
      const id = `${data.key}@${win.browsingContext.id}`;
      watches.get(id)?.observer.disconnect(); // a key used again starts afresh
      watches.set(id, { seen, observer });
      return true;
    }
    case 'watched': {
      // What a 'watch' recorded ({ key }), and stops it.
      const id = `${data.key}@${win.browsingContext.id}`;
      const watch = watches.get(id);
      if (!watch) throw new Error('no watch ' + data.key);
      watch.observer.disconnect();
      watches.delete(id);
      return watch.seen;
    }
    default:
      throw new Error('unknown op ' + op);
  }
}

addMessageListener('mss-e2e:query', async ({ data: { bcId, op, data, qid } }) => {
  const win = BrowsingContext.get(bcId)?.window;
  if (!win) return; // the page lives in another process; that process answers
  let reply;
  try {
    reply = { ok: true, value: await run(win, op, data) };
  } catch (error) {
    reply = { ok: false, error: String(error) };
  }
  sendAsyncMessage('mss-e2e:reply', { qid, reply });
});
