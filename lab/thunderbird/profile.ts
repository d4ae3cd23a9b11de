import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ensurePackages } from '../system/packages';

export type PrefValue = string | number | boolean;

/**
 * Prefs for a clean main window (observed on Thunderbird 153, see THUNDERBIRD.md) and for a
 * permanently installed unsigned add-on dropped into <profile>/extensions/.
 */
export const BASE_PREFS: Record<string, PrefValue> = {
  'mail.provider.suppress_dialog_on_startup': true,
  'mail.shell.checkDefaultClient': false,
  'mail.shell.checkDefaultMail': false,
  'mail.rights.override': true,
  'mailnews.start_page.enabled': false,
  'mail.spotlight.firstRunDone': true,
  'app.donation.eoy.version.viewed': 999,
  'app.update.auto': false,
  'app.update.disabledForTesting': true,
  'datareporting.policy.dataSubmissionEnabled': false,
  'datareporting.policy.dataSubmissionPolicyBypassNotification': true,
  'datareporting.healthreport.uploadEnabled': false,
  'toolkit.telemetry.enabled': false,
  'toolkit.telemetry.reportingpolicy.firstRun': false,
  'browser.safebrowsing.malware.enabled': false,
  'browser.safebrowsing.phishing.enabled': false,
  'network.captive-portal-service.enabled': false,
  'network.connectivity-service.enabled': false,
  'xpinstall.signatures.required': false,
  'extensions.autoDisableScopes': 0,
  'extensions.enabledScopes': 15,
  'extensions.startupScanScopes': 15,
  'devtools.console.stdout.chrome': true,
  'browser.dom.window.dump.enabled': true,
};

export interface ProfileOptions {
  dir: string;
  /**
   * The add-on to install permanently (copied to <profile>/extensions/<id>.xpi). Without it, no
   * copy is left there: `web-ext run` installs its own temporary one.
   */
  xpi?: string;
  addonId: string;
  /** UI locale ('fr' needs Debian's thunderbird-l10n-fr). */
  locale?: string;
  prefs?: Record<string, PrefValue>;
  /**
   * A web server of the lab that Thunderbird's tabs must reach, as an establishment would deploy
   * it: its CA trusted in the profile's certificate store (NSS `certutil`, as an administrator
   * or an enterprise policy does) and its names resolved to 127.0.0.1
   * (`network.dns.localDomains`: the sandbox's names are in no DNS).
   */
  webServers?: { caFile: string; names: string[] };
}

/** Adds `caFile`'s first certificate to the profile's NSS store, trusted for web sites. */
function trustCa(dir: string, caFile: string): void {
  ensurePackages([{ command: 'certutil', pkg: 'libnss3-tools' }]);
  const db = `sql:${dir}`;
  const run = (argv: string[]) => {
    const result = spawnSync('certutil', argv, { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`certutil ${argv.join(' ')}: ${result.stderr}`);
  };
  if (!existsSync(path.join(dir, 'cert9.db'))) run(['-N', '-d', db, '--empty-password']);
  run(['-A', '-d', db, '-n', 'MSSante lab CA', '-t', 'C,,', '-i', caFile]);
}

export function writeProfile({
  dir,
  xpi,
  addonId,
  locale = 'fr',
  prefs = {},
  webServers,
}: ProfileOptions): void {
  mkdirSync(path.join(dir, 'extensions'), { recursive: true });
  if (webServers) {
    trustCa(dir, webServers.caFile);
    prefs = { 'network.dns.localDomains': webServers.names.join(','), ...prefs };
  }
  const installed = path.join(dir, 'extensions', `${addonId}.xpi`);
  if (xpi) copyFileSync(xpi, installed);
  else rmSync(installed, { force: true });
  const all: Record<string, PrefValue> = {
    ...BASE_PREFS,
    'intl.locale.requested': locale,
    ...prefs,
  };
  const lines = Object.entries(all).map(
    ([k, v]) => `user_pref(${JSON.stringify(k)}, ${JSON.stringify(v)});`,
  );
  writeFileSync(path.join(dir, 'user.js'), lines.join('\n') + '\n');
}
