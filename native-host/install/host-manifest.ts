import os from 'node:os';
import path from 'node:path';
import { ADDON_ID, HOST_NAME } from '../../shared/protocol/names';

/** The files `mssante host install` writes, computed without touching the disk. */
export interface InstallPlan {
  manifestPath: string;
  manifest: string;
  launcherPath: string;
  launcher: string;
}

export interface InstallInputs {
  home: string;
  stateDir: string;
  nodePath: string;
  bundlePath: string;
}

/** Single-quote for POSIX sh: the only character to escape inside '…' is ' itself. */
export function shQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/**
 * Thunderbird reads per-user host manifests from ~/.mozilla/native-messaging-hosts/ (observed on
 * 153, see THUNDERBIRD.md) and spawns `path` with argv [manifestPath, extensionId]. The launcher
 * pins the node binary that ran the install and the state directory, so Thunderbird's
 * environment (no PATH guarantees, no nvm) does not matter.
 */
export function planInstall({ home, stateDir, nodePath, bundlePath }: InstallInputs): InstallPlan {
  const launcherPath = path.join(stateDir, 'bin', 'open-mssante-host');
  const manifest = {
    name: HOST_NAME,
    description: 'Open MSSanté native host (PSC session, API LPS bridge, trust, Annuaire)',
    path: launcherPath,
    type: 'stdio',
    allowed_extensions: [ADDON_ID],
  };
  const launcher = [
    '#!/bin/sh',
    '# Written by `mssante host install`; removed by `mssante host uninstall`.',
    `MSSANTE_STATE_DIR=${shQuote(stateDir)}`,
    'export MSSANTE_STATE_DIR',
    `exec ${shQuote(nodePath)} ${shQuote(bundlePath)} host serve "$@"`,
    '',
  ].join('\n');
  return {
    manifestPath: path.join(home, '.mozilla', 'native-messaging-hosts', `${HOST_NAME}.json`),
    manifest: JSON.stringify(manifest, null, 2) + '\n',
    launcherPath,
    launcher,
  };
}

export function defaultHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.HOME || os.homedir();
}
