import path from 'node:path';
import { ADDON_ID, HOST_NAME } from '../../shared/protocol/names';
import { MssanteError } from '../../shared/errors/mssante-error';

/**
 * Where Thunderbird — not Firefox — reads a native messaging host manifest, per platform and
 * scope, and what `mssante host install` writes there. Pure: computed for any platform from any
 * platform (`mssante host install --print --platform win32` on Linux), so each plan is
 * unit-tested here. Sources checked for each path: docs/install.md.
 */
export type Platform = 'linux' | 'darwin' | 'win32';
export type Scope = 'user' | 'system';
export const PLATFORMS: readonly Platform[] = ['linux', 'darwin', 'win32'];

/** How the launcher starts the host: Node and the bundle, or a self-contained executable. */
export type HostProgram =
  { kind: 'node'; nodePath: string; bundlePath: string } | { kind: 'executable'; path: string };

export interface PlatformInputs {
  platform: Platform;
  scope: Scope;
  /** The user's home (user scope; unused by system plans except for the state directory). */
  home: string;
  /** %LOCALAPPDATA% on Windows (user scope); defaults to <home>\AppData\Local. */
  localAppData?: string | undefined;
  /** %ProgramFiles% on Windows (system scope); defaults to C:\Program Files. */
  programFiles?: string | undefined;
  /** Pinned in a user launcher; a system launcher lets each user's host find its own. */
  stateDir?: string | undefined;
  program: HostProgram;
}

export interface PlannedFile {
  path: string;
  content: string;
  /** POSIX mode; Windows files take their folder's ACL. */
  mode?: number;
}

/** A registry value Thunderbird reads on Windows, and the reg.exe commands that set and remove it. */
export interface RegistryPlan {
  key: string;
  /** The key's default value: the manifest's full path. */
  value: string;
  add: string[];
  remove: string[];
}

export interface PlatformPlan {
  platform: Platform;
  scope: Scope;
  manifestPath: string;
  launcherPath: string;
  files: PlannedFile[];
  registry?: RegistryPlan;
}

const LAUNCHER = 'open-mssante-host';
const DIR_NAME = 'open-mssante';

/** Single-quote for POSIX sh: the only character to escape inside '…' is ' itself. */
export function shQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/**
 * Double-quote for cmd.exe. A path holding `"` cannot be quoted there, and `%` would be expanded
 * even inside quotes: both are refused rather than written into a launcher that runs something
 * else.
 */
export function cmdQuote(value: string): string {
  if (/["%\r\n]/.test(value)) {
    throw new MssanteError('E_CLI_USAGE', {
      detail: `a Windows launcher path cannot hold " or %: ${value}`,
    });
  }
  return `"${value}"`;
}

function manifestJson(launcherPath: string): string {
  const manifest = {
    name: HOST_NAME,
    description: 'Open MSSanté native host (PSC session, API LPS bridge, trust, Annuaire)',
    path: launcherPath,
    type: 'stdio',
    allowed_extensions: [ADDON_ID],
  };
  return JSON.stringify(manifest, null, 2) + '\n';
}

function posixLauncher(inputs: PlatformInputs): string {
  const run =
    inputs.program.kind === 'node'
      ? `exec ${shQuote(inputs.program.nodePath)} ${shQuote(inputs.program.bundlePath)} host serve "$@"`
      : `exec ${shQuote(inputs.program.path)} host serve "$@"`;
  return [
    '#!/bin/sh',
    '# Written by `mssante host install`; removed by `mssante host uninstall`.',
    ...(inputs.stateDir
      ? [`MSSANTE_STATE_DIR=${shQuote(inputs.stateDir)}`, 'export MSSANTE_STATE_DIR']
      : []),
    run,
    '',
  ].join('\n');
}

function cmdLauncher(inputs: PlatformInputs): string {
  const run =
    inputs.program.kind === 'node'
      ? `${cmdQuote(inputs.program.nodePath)} ${cmdQuote(inputs.program.bundlePath)} host serve %*`
      : `${cmdQuote(inputs.program.path)} host serve %*`;
  return [
    '@echo off',
    'rem Written by `mssante host install`; removed by `mssante host uninstall`.',
    ...(inputs.stateDir ? [`set ${cmdQuote(`MSSANTE_STATE_DIR=${inputs.stateDir}`)}`] : []),
    run,
    '',
  ].join('\r\n');
}

/** Linux: ~/.mozilla/native-messaging-hosts (user), /usr/lib/mozilla/native-messaging-hosts. */
function linuxPlan(inputs: PlatformInputs): PlatformPlan {
  const p = path.posix;
  const user = inputs.scope === 'user';
  const manifestDir = user
    ? p.join(inputs.home, '.mozilla', 'native-messaging-hosts')
    : '/usr/lib/mozilla/native-messaging-hosts';
  const launcherPath = user
    ? p.join(inputs.stateDir ?? p.join(inputs.home, '.local', 'state', 'mssante'), 'bin', LAUNCHER)
    : p.join('/usr/local/lib', DIR_NAME, LAUNCHER);
  return posixPlan(inputs, p.join(manifestDir, `${HOST_NAME}.json`), launcherPath);
}

/**
 * macOS: Thunderbird's user folder is ~/Library (its profiles are in ~/Library/Thunderbird), so
 * it reads ~/Library/Mozilla/NativeMessagingHosts — not Firefox's ~/Library/Application
 * Support/Mozilla/NativeMessagingHosts; system-wide, /Library/Application
 * Support/Mozilla/NativeMessagingHosts.
 */
function darwinPlan(inputs: PlatformInputs): PlatformPlan {
  const p = path.posix;
  const user = inputs.scope === 'user';
  const manifestDir = user
    ? p.join(inputs.home, 'Library', 'Mozilla', 'NativeMessagingHosts')
    : '/Library/Application Support/Mozilla/NativeMessagingHosts';
  const launcherPath = user
    ? p.join(inputs.stateDir ?? defaultStateDir('darwin', {}, inputs.home), 'bin', LAUNCHER)
    : p.join('/Library/Application Support', DIR_NAME, LAUNCHER);
  return posixPlan(inputs, p.join(manifestDir, `${HOST_NAME}.json`), launcherPath);
}

function posixPlan(inputs: PlatformInputs, manifestPath: string, launcherPath: string) {
  return {
    platform: inputs.platform,
    scope: inputs.scope,
    manifestPath,
    launcherPath,
    files: [
      { path: launcherPath, content: posixLauncher(inputs), mode: 0o755 },
      { path: manifestPath, content: manifestJson(launcherPath), mode: 0o644 },
    ],
  };
}

/**
 * Windows: Thunderbird finds the manifest through the default value of
 * HKCU\Software\Mozilla\NativeMessagingHosts\<name> (HKLM for every user), set with reg.exe; the
 * manifest and a .cmd launcher sit in %LOCALAPPDATA%\open-mssante (or %ProgramFiles%).
 */
function win32Plan(inputs: PlatformInputs): PlatformPlan {
  const p = path.win32;
  const user = inputs.scope === 'user';
  const dir = user
    ? p.join(inputs.localAppData ?? p.join(inputs.home, 'AppData', 'Local'), DIR_NAME)
    : p.join(inputs.programFiles ?? 'C:\\Program Files', DIR_NAME);
  const manifestPath = p.join(dir, `${HOST_NAME}.json`);
  const launcherPath = p.join(dir, `${LAUNCHER}.cmd`);
  const key = `${user ? 'HKCU' : 'HKLM'}\\Software\\Mozilla\\NativeMessagingHosts\\${HOST_NAME}`;
  return {
    platform: 'win32',
    scope: inputs.scope,
    manifestPath,
    launcherPath,
    files: [
      { path: launcherPath, content: cmdLauncher(inputs) },
      { path: manifestPath, content: manifestJson(launcherPath) },
    ],
    registry: {
      key,
      value: manifestPath,
      add: ['reg.exe', 'add', key, '/ve', '/t', 'REG_SZ', '/d', manifestPath, '/f'],
      remove: ['reg.exe', 'delete', key, '/f'],
    },
  };
}

/** What `mssante host install` writes for that platform and scope. */
export function planFor(inputs: PlatformInputs): PlatformPlan {
  if (inputs.platform === 'win32') return win32Plan(inputs);
  return inputs.platform === 'darwin' ? darwinPlan(inputs) : linuxPlan(inputs);
}

/**
 * Where a host keeps its state when MSSANTE_STATE_DIR is not set: $XDG_STATE_HOME/mssante or
 * ~/.local/state/mssante on Linux, ~/Library/Application Support/mssante on macOS,
 * %LOCALAPPDATA%\mssante on Windows.
 */
export function defaultStateDir(
  platform: Platform,
  env: Record<string, string | undefined>,
  home: string,
): string {
  if (platform === 'win32') {
    return path.win32.join(
      env.LOCALAPPDATA || path.win32.join(home, 'AppData', 'Local'),
      'mssante',
    );
  }
  if (platform === 'darwin')
    return path.posix.join(home, 'Library', 'Application Support', 'mssante');
  return path.posix.join(env.XDG_STATE_HOME || path.posix.join(home, '.local', 'state'), 'mssante');
}

/**
 * Where a packaged host executable sits by default, and the user's home, on a platform other
 * than the one running (`--print --platform …`: what an installer there would write).
 */
export function foreignDefaults(
  platform: Platform,
  scope: Scope,
  user: string,
): { home: string; program: HostProgram } {
  if (platform === 'win32') {
    const home = `C:\\Users\\${user}`;
    const dir =
      scope === 'user'
        ? path.win32.join(home, 'AppData', 'Local', DIR_NAME)
        : `C:\\Program Files\\${DIR_NAME}`;
    return { home, program: { kind: 'executable', path: path.win32.join(dir, 'mssante.exe') } };
  }
  const home = platform === 'darwin' ? `/Users/${user}` : `/home/${user}`;
  const dir =
    platform === 'darwin'
      ? scope === 'user'
        ? path.posix.join(home, 'Applications', 'Open MSSante')
        : '/Applications/Open MSSante'
      : scope === 'user'
        ? path.posix.join(home, '.local', 'lib', DIR_NAME)
        : path.posix.join('/opt', DIR_NAME);
  return { home, program: { kind: 'executable', path: path.posix.join(dir, 'mssante') } };
}

/** The plan as `--print` shows it: every file with its content, and the registry commands. */
export function describePlan(plan: PlatformPlan): string {
  const out = [`# platform ${plan.platform}, scope ${plan.scope}`];
  for (const f of plan.files) {
    out.push(`# file ${f.path}${f.mode ? ` (mode ${f.mode.toString(8)})` : ''}`, f.content);
  }
  if (plan.registry) {
    out.push(
      `# registry ${plan.registry.key} (default value) = ${plan.registry.value}`,
      `# install:   ${plan.registry.add.map(winArg).join(' ')}`,
      `# uninstall: ${plan.registry.remove.map(winArg).join(' ')}`,
      '',
    );
  }
  return out.join('\n');
}

function winArg(arg: string): string {
  return /[\s"]/.test(arg) ? `"${arg}"` : arg;
}
