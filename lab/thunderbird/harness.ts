import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { HOST_NAME } from '../../shared/protocol/names';
import { writeProfile, type PrefValue } from './profile';
import { ensurePackages, THUNDERBIRD_PACKAGES } from '../system/packages';
import { launchThunderbird, type RunningThunderbird } from './launch';
import { ensureDisplay, type Display } from './xvfb';
import { Marionette } from './marionette';
import { writeHostConfig } from '../../native-host/config/private-file';
import { webTrustBundle } from '../sandbox/web-trust';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** `-tb140` when the suite runs on another Thunderbird than the installed one (scripts/test.mjs). */
function variantSuffix(): string {
  const variant = process.env.MSSANTE_E2E_VARIANT;
  return variant ? `-${variant.replace(/[^\w.-]+/g, '_')}` : '';
}
const manifest = JSON.parse(readFileSync(path.join(ROOT, 'manifest.json'), 'utf8'));
export const ADDON_ID: string = manifest.browser_specific_settings.gecko.id;
const version: string = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;
export const XPI = path.join(ROOT, 'dist', `open-mssante-${version}.xpi`);
const HOST_BUNDLE = path.join(ROOT, 'dist', 'host', 'mssante.mjs');

/** WebDriver key values for `ThunderbirdSuite.keys`. */
export const KEY = {
  tab: '\uE004',
  enter: '\uE007',
  shift: '\uE008',
  control: '\uE009',
  space: '\uE00D',
  down: '\uE015',
} as const;

/** One state of a watched element (see page-agent.js, op `watch`). */
export interface WatchedState {
  text: string;
  hidden: boolean;
  sign: string | null;
}

/** What axe-core found on a page (see page-agent.js, op `axe`). */
export interface AxeReport {
  violations: Array<{
    id: string;
    impact: 'minor' | 'moderate' | 'serious' | 'critical' | null;
    help: string;
    nodes: Array<{ target: string[]; summary: string }>;
  }>;
}
let axeSource: string | undefined;

/** Thunderbird's main window in the e2e suites (the display is 1680×1050). */
const WINDOW = { width: 1600, height: 1000 };

export interface SuiteOptions {
  name: string;
  locale?: string;
  prefs?: Record<string, PrefValue>;
  /** Install the host manifest (default true); false proves the "host not found" path. */
  installHost?: boolean;
  /**
   * A packaged host executable (`npm run dist`) to install instead of Node and the bundle;
   * default: MSSANTE_HOST_EXECUTABLE when set (docs/release.md).
   */
  hostExecutable?: string;
  /** The host's config.json (operatorHostConfig(operator) for an operator a test started). */
  hostConfig?: Record<string, unknown>;
  /** Web servers of the lab Thunderbird's tabs reach (the intermediate LPS server). */
  webServers?: { caFile: string; names: string[] };
  /**
   * A CA the host trusts as part of the web PKI (the operator's test "commercial" CA of its
   * autoconfig server, `files.webCaCert`): added to NODE_EXTRA_CA_CERTS for Thunderbird, whose
   * environment the host inherits.
   */
  webCaFile?: string;
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | null | false>,
  { timeoutMs = 30_000, intervalMs = 200 } = {},
): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > until)
      throw new Error(`timed out waiting for ${what} (last: ${String(last)})`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/**
 * One real Thunderbird per suite file: a fresh temporary HOME holding the host manifest
 * (written by the real `mssante host install`) and the host's state, a fresh profile with the
 * built .xpi, Xvfb when there is no display, and Marionette as the test-only channel.
 */
export class ThunderbirdSuite {
  readonly home: string;
  readonly stateDir: string;
  readonly profile: string;
  readonly artifacts: string;
  readonly logFile: string;
  marionette!: Marionette;
  private display!: Display;
  private tb!: RunningThunderbird;
  private agentLoaded = false;

  constructor(private readonly options: SuiteOptions) {
    this.home = mkdtempSync(path.join(os.tmpdir(), 'mssante-e2e-'));
    this.stateDir = path.join(this.home, 'state');
    this.profile = path.join(this.home, 'profile');
    this.artifacts = path.join(
      ROOT,
      'test-results',
      `e2e${variantSuffix()}`,
      options.name.replace(/[^\w.-]+/g, '_'),
    );
    this.logFile = path.join(this.home, 'thunderbird.log');
  }

  /** The `mssante` command that installs the host: the packaged executable, or Node and the bundle. */
  get hostCommand(): string[] {
    const executable = this.options.hostExecutable ?? process.env.MSSANTE_HOST_EXECUTABLE;
    return executable ? [path.resolve(executable)] : [process.execPath, HOST_BUNDLE];
  }

  get hostEnv(): NodeJS.ProcessEnv {
    return {
      ...process.env,
      HOME: this.home,
      MSSANTE_STATE_DIR: this.stateDir,
      ...this.webCaEnv(),
    };
  }

  private webCaEnv(): Record<string, string> {
    if (!this.options.webCaFile) return {};
    mkdirSync(this.home, { recursive: true });
    return { NODE_EXTRA_CA_CERTS: webTrustBundle(this.options.webCaFile, this.home) };
  }

  async start(): Promise<void> {
    ensurePackages(THUNDERBIRD_PACKAGES);
    if (!existsSync(XPI) || !existsSync(HOST_BUNDLE))
      throw new Error('not built: run npm run build');
    if (this.options.hostConfig) {
      mkdirSync(this.stateDir, { recursive: true });
      writeHostConfig(this.stateDir, this.options.hostConfig);
    }
    if (this.options.installHost !== false) {
      const install = spawnSync(
        this.hostCommand[0]!,
        [...this.hostCommand.slice(1), 'host', 'install'],
        {
          env: this.hostEnv,
          encoding: 'utf8',
        },
      );
      if (install.status !== 0) throw new Error(`mssante host install failed: ${install.stderr}`);
    }
    writeProfile({
      dir: this.profile,
      xpi: XPI,
      addonId: ADDON_ID,
      locale: this.options.locale ?? 'fr',
      // Port 0: Marionette binds a free port itself and writes it to MarionetteActivePort in the
      // profile (a port chosen here could be taken before Thunderbird binds it).
      // The classic layout (message list above the message): the list's columns get the
      // window's width, readable in the pictures.
      prefs: { 'marionette.port': 0, 'mail.pane_config.dynamic': 0, ...this.options.prefs },
      ...(this.options.webServers ? { webServers: this.options.webServers } : {}),
    });
    this.display = await ensureDisplay();
    rmSync(path.join(this.profile, 'MarionetteActivePort'), { force: true }); // a killed run's
    this.tb = launchThunderbird({
      profile: this.profile,
      display: this.display.display,
      home: this.home,
      logFile: this.logFile,
      marionette: true,
      env: { MSSANTE_STATE_DIR: this.stateDir, ...this.webCaEnv() },
    });
    const port = await waitFor(
      'Marionette to listen',
      async () => {
        try {
          const text = readFileSync(path.join(this.profile, 'MarionetteActivePort'), 'utf8');
          return /^\d+$/.test(text.trim()) && Number(text.trim());
        } catch {
          return false;
        }
      },
      { timeoutMs: 120_000, intervalMs: 200 },
    );
    this.marionette = await Marionette.connect(port);
    await waitFor('the add-on to start', () =>
      this.marionette.chrome<boolean>(`return !!WebExtensionPolicy.getByID(args[0])?.active;`, [
        ADDON_ID,
      ]),
    );
    // A window wide enough for the message list's columns to be read (and for the pictures).
    await this.marionette.chrome(
      `const win = Services.wm.getMostRecentWindow('mail:3pane');
       win.moveTo(0, 0);
       win.resizeTo(args[0], args[1]);
       return true;`,
      [WINDOW.width, WINDOW.height],
    );
  }

  /** Saves Thunderbird's output, the host log and a screenshot under test-results/e2e/<suite>/. */
  async captureFailure(testTitle: string): Promise<void> {
    // The end of the title is what tells tests of one suite apart.
    const dir = path.join(this.artifacts, testTitle.replace(/[^\w.-]+/g, '_').slice(-80));
    mkdirSync(dir, { recursive: true });
    if (existsSync(this.logFile)) copyFileSync(this.logFile, path.join(dir, 'thunderbird.log'));
    const hostLog = path.join(this.stateDir, 'logs', 'host.log');
    if (existsSync(hostLog)) copyFileSync(hostLog, path.join(dir, 'host.log'));
    try {
      writeFileSync(path.join(dir, 'screenshot.png'), await this.marionette.screenshot());
    } catch (error) {
      writeFileSync(path.join(dir, 'screenshot-error.txt'), String(error));
    }
  }

  async stop(): Promise<void> {
    this.marionette?.close();
    await this.tb?.stop();
    await this.display?.stop();
    rmSync(this.home, { recursive: true, force: true });
  }

  /** Opens an add-on page in a Thunderbird tab; returns its browsing context id. */
  async openPage(page: string): Promise<number> {
    await this.loadAgent();
    return this.marionette.chrome<number>(
      `const policy = WebExtensionPolicy.getByID(args[0]);
       const url = 'moz-extension://' + policy.mozExtensionHostname + '/' + args[1];
       const win = Services.wm.getMostRecentWindow('mail:3pane');
       const tab = win.openTab('contentTab', { url });
       for (let i = 0; i < 600; i++) {
         const bc = tab.browser.browsingContext;
         if (bc && bc.currentWindowGlobal && bc.currentURI && bc.currentURI.spec === url && !tab.browser.webProgress?.isLoadingDocument) return bc.id;
         await new Promise((r) => setTimeout(r, 50));
       }
       throw new Error('page did not load: ' + url);`,
      [ADDON_ID, page],
    );
  }

  /**
   * Clicks the add-on's button in the mail toolbar, as a user would, and returns the browsing
   * context id of the popup it opens.
   */
  async openPopup(): Promise<number> {
    await this.loadAgent();
    return this.marionette.chrome<number>(
      `const doc = Services.wm.getMostRecentWindow('mail:3pane').document;
       doc.getElementById('tabmail').switchToTab(0); // the mail tab, where the toolbar shows it
       let button = null;
       for (let i = 0; i < 300 && !button; i++) {
         await new Promise((r) => setTimeout(r, 100));
         button = doc.querySelector('button[extension="' + args[0] + '"]');
       }
       if (!button) throw new Error('no toolbar button for the add-on');
       button.click();
       for (let i = 0; i < 600; i++) {
         const browser = doc.querySelector('browser.webextension-popup-browser');
         const bc = browser && browser.browsingContext;
         if (bc && bc.currentWindowGlobal && browser.currentURI.spec.endsWith('/ui/popup/popup.html')
             && browser.closest('panel')?.state === 'open') return bc.id;
         await new Promise((r) => setTimeout(r, 50));
       }
       throw new Error('the popup did not open');`,
      [ADDON_ID],
    );
  }

  async closePopup(): Promise<void> {
    await this.marionette.chrome(
      `const doc = Services.wm.getMostRecentWindow('mail:3pane').document;
       doc.querySelector('browser.webextension-popup-browser')?.closest('panel')?.hidePopup();
       return true;`,
    );
  }

  /**
   * The subjects of a folder's messages, after asking the server for new ones (as opening it
   * would); `update: false` reads only what Thunderbird already holds (no server contact: the
   * mail readable offline). `folder` is the folder's name on the server (`INBOX`, `Sent`): it is
   * matched on the folder's URI, because Thunderbird 140 names special folders in the UI's
   * language (`Courrier entrant` for INBOX in French), where 153 keeps the server's name.
   */
  async folderSubjects(
    accountKey: string,
    folder = 'INBOX',
    { update = true }: { update?: boolean } = {},
  ): Promise<string[]> {
    return this.marionette.chrome<string[]>(
      `const { MailServices } = ChromeUtils.importESModule('resource:///modules/MailServices.sys.mjs');
       const win = Services.wm.getMostRecentWindow('mail:3pane');
       const server = MailServices.accounts.getAccount(args[0]).incomingServer;
       const root = server.rootFolder;
       const named = (f) => f.name === args[1] || decodeURIComponent(f.URI.slice(root.URI.length + 1)) === args[1];
       let target = null;
       for (let i = 0; i < 100 && !target; i++) {
         target = [...root.subFolders].find(named) ?? null;
         if (!target) {
           if (i % 20 === 0) server.performExpand(win.msgWindow);
           await new Promise((r) => setTimeout(r, 200));
         }
       }
       if (!target) throw new Error('no folder ' + args[1]);
       if (args[2]) {
         target.updateFolder(win.msgWindow); // asynchronous, no completion callback in 153
         await new Promise((r) => setTimeout(r, 1500));
       }
       return [...target.messages].map((m) => m.mime2DecodedSubject);`,
      [accountKey, folder, update],
    );
  }

  /**
   * Has Thunderbird open an account's server (as when the user opens it) and returns the text of
   * the alerts it shows the user. A modal alert interrupts any running Marionette script, so an
   * observer keeps each alert's text on the window and closes it; the login runs from a timer and
   * the texts are polled. Thunderbird shows a server's alert as a system notification, and falls
   * back to a modal alert where it has none: 153 does so under Xvfb, while 140 shows its own
   * notification window (alert.xhtml), whose text the observer keeps too.
   */
  async alertsOnOpening(accountKey: string, timeoutMs = 60_000): Promise<string> {
    await this.marionette.chrome(
      `const { MailServices } = ChromeUtils.importESModule('resource:///modules/MailServices.sys.mjs');
       const win = Services.wm.getMostRecentWindow('mail:3pane');
       win.mssAlerts = [];
       if (!win.mssAlertObserver) {
         win.mssAlertObserver = {
           observe(subject, topic) {
             if (topic === 'domwindowopened') {
               subject.addEventListener('load', () => {
                 const label = subject.document.documentURI.endsWith('/alerts/alert.xhtml')
                   && subject.document.getElementById('alertTextLabel');
                 // 140 cuts a long text in the window; the whole of it is the label's tooltip.
                 if (label) win.mssAlerts.push(label.getAttribute('tooltiptext') || label.textContent);
               }, { once: true });
               return;
             }
             const doc = subject.document ?? subject.ownerDocument;
             const text = doc?.getElementById('infoBody')?.textContent;
             if (text) win.mssAlerts.push(text);
             win.setTimeout(() => { try { (subject.close ? subject : doc.defaultView).close(); } catch {} }, 200);
           },
         };
         Services.obs.addObserver(win.mssAlertObserver, 'common-dialog-loaded');
         Services.obs.addObserver(win.mssAlertObserver, 'tabmodal-dialog-loaded');
         Services.obs.addObserver(win.mssAlertObserver, 'domwindowopened');
       }
       const server = MailServices.accounts.getAccount(args[0]).incomingServer;
       win.setTimeout(() => server.performExpand(win.msgWindow), 50);
       return true;`,
      [accountKey],
    );
    return waitFor(
      'an alert shown to the user',
      async () =>
        (
          await this.marionette.chrome<string[]>(
            `return Services.wm.getMostRecentWindow('mail:3pane').mssAlerts;`,
          )
        ).join('\n'),
      { timeoutMs },
    );
  }

  /**
   * Makes Thunderbird's next file pickers answer `file` as if the user chose it (the native
   * dialog cannot be driven under Xvfb): a test-only nsIFilePicker factory registered from the
   * chrome context, as Mozilla's own MockFilePicker does. Nothing of it is in the add-on.
   */
  async answerFilePicker(file: string): Promise<void> {
    await this.marionette.chrome(
      `const registrar = Components.manager.QueryInterface(Ci.nsIComponentRegistrar);
       const contract = '@mozilla.org/filepicker;1';
       const cid = Components.ID('{6f4f8c2e-6c52-4d36-9a1b-7e0b7c5e2a11}');
       const chosen = Cc['@mozilla.org/file/local;1'].createInstance(Ci.nsIFile);
       chosen.initWithPath(args[0]);
       const factory = {
         createInstance(iid) {
           return {
             QueryInterface: ChromeUtils.generateQI(['nsIFilePicker']),
             init() {}, appendFilter() {}, appendFilters() {},
             get file() { return chosen; },
             open(callback) { Services.tm.dispatchToMainThread(() => callback.done(Ci.nsIFilePicker.returnOK)); },
           }.QueryInterface(iid);
         },
       };
       if (!globalThis.mssFilePickerCid) {
         registrar.registerFactory(cid, 'test file picker', contract, factory);
         globalThis.mssFilePickerCid = cid;
       }
       return true;`,
      [file],
    );
  }

  /**
   * Saves what Thunderbird shows as `test-results/screenshots/<name>`; with
   * MSSANTE_UPDATE_DOCS=1 also as `docs/screenshots/<name>`, and the same view in Thunderbird's
   * dark theme as `<name>-dark.png` (the README's pictures are refreshed on purpose, never as a
   * side effect of `npm test`).
   */
  async saveScreenshot(name: string): Promise<string> {
    const dirs = [path.join(ROOT, 'test-results', `screenshots${variantSuffix()}`)];
    const docs = process.env.MSSANTE_UPDATE_DOCS === '1' && !variantSuffix();
    if (docs) dirs.push(path.join(ROOT, 'docs', 'screenshots'));
    const save = (file: string, png: Buffer) => {
      for (const dir of dirs) {
        mkdirSync(dir, { recursive: true });
        writeFileSync(path.join(dir, file), png);
      }
    };
    save(name, await this.marionette.screenshot());
    if (docs) {
      await this.colorScheme('dark');
      await new Promise((r) => setTimeout(r, 1500)); // the theme's repaint
      save(name.replace(/\.png$/, '-dark.png'), await this.marionette.screenshot());
      await this.colorScheme('light');
      await new Promise((r) => setTimeout(r, 1000));
    }
    return path.join(dirs[0]!, name);
  }

  /**
   * Adds a raw message to a folder of Local Folders (not an MSSanté account; the account is made
   * when missing) and returns its WebExtension message id.
   */
  async addLocalMessage(folderName: string, raw: string): Promise<number> {
    return this.marionette.chrome<number>(
      `const { MailServices } = ChromeUtils.importESModule('resource:///modules/MailServices.sys.mjs');
       let server;
       try { server = MailServices.accounts.localFoldersServer; } catch { server = null; }
       if (!server) { MailServices.accounts.createLocalMailAccount(); server = MailServices.accounts.localFoldersServer; }
       const root = server.rootFolder;
       let folder = root.subFolders.find((f) => f.name === args[1]);
       if (!folder) { root.createSubfolder(args[1], null); folder = root.subFolders.find((f) => f.name === args[1]); }
       const hdr = folder.QueryInterface(Ci.nsIMsgLocalMailFolder).addMessage(args[2]);
       return WebExtensionPolicy.getByID(args[0]).extension.messageManager.convert(hdr).id;`,
      [ADDON_ID, folderName, raw],
    );
  }

  /** The browsing context id of the Thunderbird tab whose URL starts with `prefix`. */
  async tabBrowsingContext(prefix: string): Promise<number | null> {
    await this.loadAgent();
    return this.marionette.chrome<number | null>(
      `const tabmail = Services.wm.getMostRecentWindow('mail:3pane').document.getElementById('tabmail');
       for (const info of tabmail.tabInfo) {
         const spec = info.browser?.currentURI?.spec ?? '';
         if (spec.startsWith(args[0]) && !info.browser.webProgress?.isLoadingDocument) return info.browser.browsingContext.id;
       }
       return null;`,
      [prefix],
    );
  }

  /** Closes the current tab when it shows a message (a message opened in its own tab). */
  async closeMessageTab(): Promise<void> {
    await this.marionette.chrome(
      `const tabmail = Services.wm.getMostRecentWindow('mail:3pane').document.getElementById('tabmail');
       if (tabmail.currentTabInfo.mode.name === 'mailMessageTab') tabmail.closeTab(tabmail.currentTabInfo);
       return true;`,
    );
  }

  /** Closes every compose window without asking to save (those a refused send left open…). */
  async closeComposeWindows(): Promise<void> {
    await this.marionette.chrome(
      `for (const win of Services.wm.getEnumerator('msgcompose')) {
         win.gMsgCompose && (win.gMsgCompose.bodyModified = false);
         win.ComposeChanged && (win.gContentChanged = false);
         win.close();
       }
       return true;`,
    );
  }

  async closePage(bcId: number): Promise<void> {
    await this.marionette.chrome(
      `const tabmail = Services.wm.getMostRecentWindow('mail:3pane').document.getElementById('tabmail');
       for (const info of tabmail.tabInfo) if (info.browser?.browsingContext?.id === args[0]) tabmail.closeTab(info);
       return true;`,
      [bcId],
    );
  }

  /** Runs one page-agent operation (see page-agent.js) on an add-on page. */
  async page<T>(bcId: number, op: string, data: unknown = null): Promise<T> {
    const reply = await this.marionette.chrome<
      { ok: true; value: T } | { ok: false; error: string }
    >(
      `const qid = Math.random();
       return await new Promise((resolve, reject) => {
         const timer = setTimeout(() => reject(new Error('page agent did not answer')), 60000);
         const listener = (m) => {
           if (m.data.qid !== qid) return;
           clearTimeout(timer);
           Services.ppmm.removeMessageListener('mss-e2e:reply', listener);
           resolve(m.data.reply);
         };
         Services.ppmm.addMessageListener('mss-e2e:reply', listener);
         Services.ppmm.broadcastAsyncMessage('mss-e2e:query', { bcId: args[0], op: args[1], data: args[2], qid });
       });`,
      [bcId, op, data],
    );
    if (!reply.ok) throw new Error(`page agent ${op}: ${reply.error}`);
    return reply.value;
  }

  /**
   * Runs axe-core (the devDependency, test-only: its source goes through the page agent, never
   * into the add-on) on an add-on page, WCAG 2.1 A/AA rules; returns its violations.
   */
  async axe(bcId: number): Promise<AxeReport> {
    axeSource ??= readFileSync(path.join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');
    return this.page<AxeReport>(bcId, 'axe', {
      source: axeSource,
      options: {
        runOnly: {
          type: 'tag',
          values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'],
        },
        resultTypes: ['violations'],
      },
    });
  }

  /**
   * Starts recording every state of one element of an add-on page (page-agent op `watch`): its
   * text, hidden or not, and data-sign, at each change. `watched` returns them and stops.
   * For states that last only while work runs (a busy line, a generation under way).
   */
  async watch(bcId: number, key: string, selector: string): Promise<void> {
    await this.page(bcId, 'watch', { key, selector });
  }

  async watched(bcId: number, key: string): Promise<WatchedState[]> {
    return this.page<WatchedState[]>(bcId, 'watched', { key });
  }

  /**
   * Switches Thunderbird to its built-in dark theme (the "Dark" add-on a user picks in Add-ons
   * and Themes) or back to the default one, and makes content follow it: extension pages then see
   * `prefers-color-scheme: dark`.
   */
  async colorScheme(scheme: 'dark' | 'light'): Promise<void> {
    await this.marionette.chrome(
      `const { AddonManager } = ChromeUtils.importESModule('resource://gre/modules/AddonManager.sys.mjs');
       const id = args[0] === 'dark' ? 'thunderbird-compact-dark@mozilla.org' : 'default-theme@mozilla.org';
       const theme = await AddonManager.getAddonByID(id);
       if (theme) await theme.enable();
       // 0: dark, 1: light — what Thunderbird's "Websites appearance" setting writes.
       Services.prefs.setIntPref('layout.css.prefers-color-scheme.content-override', args[0] === 'dark' ? 0 : 1);
       return true;`,
      [scheme],
    );
  }

  /**
   * Presses keys as a user does, through Marionette's WebDriver actions (real key events that
   * go to whatever has the focus in the window Marionette is on): each item is a key value
   * (KEY.tab, KEY.enter…) or a string typed character by character; `{ with: KEY.shift,
   * key: KEY.tab }` presses a key with a modifier held.
   */
  async keys(...items: Array<string | { with: string; key: string }>): Promise<void> {
    const actions: Array<Record<string, string>> = [];
    const press = (value: string) =>
      actions.push({ type: 'keyDown', value }, { type: 'keyUp', value });
    for (const item of items) {
      if (typeof item === 'object') {
        actions.push({ type: 'keyDown', value: item.with });
        press(item.key);
        actions.push({ type: 'keyUp', value: item.with });
      } else if (/^[\uE000-\uF8FF]$/.test(item)) press(item);
      else for (const c of item) press(c);
    }
    await this.marionette.command('WebDriver:PerformActions', {
      actions: [{ type: 'key', id: 'keyboard', actions }],
    });
    await this.marionette.command('WebDriver:ReleaseActions');
  }

  /**
   * Runs `fn` with Marionette on the first chrome window of a type ('msgcompose'…): keys then go
   * to that window, as when the user works in it. Marionette goes back to the main window after.
   */
  async inWindow<T>(windowType: string, fn: () => Promise<T>): Promise<T> {
    const unwrap = <V>(reply: unknown) =>
      (reply && typeof reply === 'object' && 'value' in reply ? reply.value : reply) as V;
    const main = unwrap<string>(await this.marionette.command('WebDriver:GetWindowHandle'));
    const handles = unwrap<string[]>(await this.marionette.command('WebDriver:GetWindowHandles'));
    try {
      for (const handle of handles) {
        await this.marionette.command('WebDriver:SwitchToWindow', { handle, focus: true });
        const type = await this.marionette.chrome<string | null>(
          `return document.documentElement.getAttribute('windowtype');`,
        );
        if (type === windowType) return await fn();
      }
      throw new Error(`no ${windowType} window`);
    } finally {
      await this.marionette.command('WebDriver:SwitchToWindow', { handle: main, focus: true });
    }
  }

  /** Gives the focus to a Thunderbird tab's page (the user clicked into it), nothing inside it. */
  async focusTab(bcId: number): Promise<void> {
    await this.marionette.chrome(
      `const win = Services.wm.getMostRecentWindow('mail:3pane');
       const tabmail = win.document.getElementById('tabmail');
       for (const info of tabmail.tabInfo)
         if (info.browser?.browsingContext?.id === args[0]) {
           tabmail.switchToTab(info);
           win.focus();
           info.browser.focus();
           return true;
         }
       throw new Error('no tab for browsing context ' + args[0]);`,
      [bcId],
    );
  }

  private async loadAgent(): Promise<void> {
    if (this.agentLoaded) return;
    const source = readFileSync(path.join(ROOT, 'lab/thunderbird/page-agent.js'), 'utf8').replace(
      '@HOST_NAME@',
      HOST_NAME,
    );
    await this.marionette.chrome(
      `Services.ppmm.loadProcessScript('data:application/javascript;charset=utf-8,' + encodeURIComponent(args[0]), true);
       return true;`,
      [source],
    );
    this.agentLoaded = true;
  }
}

/** Host processes spawned for this suite: Thunderbird passes the manifest path (under the
 * suite's private HOME) as the host's first argument. */
export function hostPids(suite: ThunderbirdSuite): number[] {
  const marker = `${suite.home}/.mozilla/native-messaging-hosts/`;
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (argv.some((a) => a.startsWith(marker)) && argv.includes('serve'))
        pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

/**
 * Registers a suite file's hooks: start Thunderbird once (then `ready`), keep artifacts of each
 * failed test, stop Thunderbird at the end.
 */
export function withThunderbird(suite: ThunderbirdSuite, ready?: () => Promise<void>): void {
  before(async function () {
    this.timeout(240_000);
    await suite.start();
    await ready?.();
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed')
      await suite.captureFailure(this.currentTest.fullTitle());
  });
  after(async function () {
    this.timeout(30_000);
    await suite.stop();
  });
}

/** Every file under a directory that holds one of the strings (binary-safe). */
export function filesHolding(dir: string, needles: string[]): string[] {
  const hits: string[] = [];
  const walk = (p: string) => {
    const st = statSync(p, { throwIfNoEntry: false });
    if (!st) return;
    if (st.isDirectory()) for (const e of readdirSync(p)) walk(path.join(p, e));
    else if (st.isFile() && st.size < 64 * 1024 * 1024) {
      const content = readFileSync(p);
      if (needles.some((n) => content.includes(n))) hits.push(p);
    }
  };
  walk(dir);
  return hits;
}
