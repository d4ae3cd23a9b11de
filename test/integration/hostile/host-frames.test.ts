import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FrameReader } from '../../../native-host/messaging/frame-reader';
import { MAX_INCOMING_FRAME_BYTES } from '../../../native-host/messaging/limits';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const BUNDLE = path.join(ROOT, 'dist/host/mssante.mjs');

function frame(body: Buffer | string | object): Buffer {
  const bytes = Buffer.isBuffer(body)
    ? body
    : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body), 'utf8');
  const header = Buffer.alloc(4);
  header.writeUInt32LE(bytes.length, 0);
  return Buffer.concat([header, bytes]);
}

const ping = (id: string, payload = id) => ({ v: 1, id, type: 'ping', params: { payload } });

/**
 * Issue #19, item 12, on the built host process as Thunderbird spawns it: frames the host
 * cannot take, and a reply it cannot send, each get a small coded error, and the port stays
 * open for the frames after them.
 */
describe('hostile: frames over the limits on the host process (built bundle)', function () {
  this.timeout(60_000);
  let home: string;
  before(() => {
    assert.ok(existsSync(BUNDLE), 'npm run build first');
    home = mkdtempSync(path.join(os.tmpdir(), 'hostile-frames-'));
  });
  after(() => rmSync(home, { recursive: true, force: true }));

  it('hostile: a 1.5 MiB reply, a 5 MiB request, bad UTF-8, an empty frame and a non-object each get their coded error, in order; the ping after them is answered and the host exits 0', async () => {
    const child = spawn(process.execPath, [BUNDLE, 'host', 'serve'], {
      env: { ...process.env, HOME: home, MSSANTE_STATE_DIR: path.join(home, 'state') },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const reader = new FrameReader(4 * 1024 * 1024);
    const replies: any[] = [];
    const sizes: number[] = [];
    child.stdout.on('data', (d: Buffer) => {
      for (const e of reader.push(d)) {
        if (e.kind !== 'message') continue;
        replies.push(e.value);
        sizes.push(e.bytes);
      }
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    for (const f of [
      frame(ping('big', 'y'.repeat(1536 * 1024))),
      frame(ping('huge', 'z'.repeat(MAX_INCOMING_FRAME_BYTES + 1024 * 1024))),
      frame(Buffer.from([0x7b, 0xc3, 0x28, 0x7d])),
      frame(Buffer.alloc(0)),
      frame('"just a string"'),
      frame(ping('after')),
    ])
      child.stdin.write(f);
    child.stdin.end();
    assert.equal(await exited, 0);
    assert.deepEqual(
      replies.map((r) => [r.id, r.error?.code ?? r.result.payload]),
      [
        ['big', 'E_REPLY_TOO_LARGE'],
        ['huge', 'E_FRAME_TOO_LARGE'],
        [null, 'E_FRAME_INVALID_JSON'],
        [null, 'E_FRAME_INVALID_JSON'],
        [null, 'E_PROTOCOL_INVALID'],
        ['after', 'after'],
      ],
    );
    assert.ok(Math.max(...sizes) < 1024, `every reply is small: ${sizes.join(', ')} bytes`);
    const log = readFileSync(path.join(home, 'state/logs/host.log'), 'utf8');
    assert.match(log, /"event":"reply.refused".*"code":"E_REPLY_TOO_LARGE"/);
    assert.match(log, /"event":"frame.refused".*"code":"E_FRAME_TOO_LARGE"/);
  });
});
