import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LOCK_FILE, processStart, StateLock } from '../../../native-host/storage/state-lock';

describe('hostile: one host per state folder (storage/state-lock.ts)', () => {
  let dir: string;
  const lockFile = () => path.join(dir, LOCK_FILE);
  const locked = (e: { code?: string }) => e.code === 'E_STATE_LOCKED';

  beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'state-lock-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('hostile: a second taker in the same process is refused with E_STATE_LOCKED; after release the lock is free', () => {
    const lock = StateLock.acquire(dir);
    const holder = JSON.parse(readFileSync(lockFile(), 'utf8')) as { pid: number; start: string };
    assert.deepEqual(holder, { pid: process.pid, start: processStart(process.pid) });
    assert.throws(() => StateLock.acquire(dir), locked);
    lock.release();
    assert.equal(existsSync(lockFile()), false);
    StateLock.acquire(dir).release();
  });

  it('hostile: a lock held by another running process is refused', async () => {
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      await new Promise((resolve) => child.once('spawn', resolve));
      const start = processStart(child.pid!);
      writeFileSync(lockFile(), JSON.stringify({ pid: child.pid, start }));
      assert.throws(() => StateLock.acquire(dir), locked);
      assert.equal(JSON.parse(readFileSync(lockFile(), 'utf8')).pid, child.pid, 'left as it was');
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('hostile: a stale lock — its holder gone, or its pid reused by another process — is taken over', () => {
    const gone = spawnSync('true').pid!;
    writeFileSync(lockFile(), JSON.stringify({ pid: gone, start: '1' }));
    StateLock.acquire(dir).release();
    // process.ppid runs, but not since the recorded start time: another process has the pid.
    writeFileSync(lockFile(), JSON.stringify({ pid: process.ppid, start: '1' }));
    const lock = StateLock.acquire(dir);
    assert.equal(JSON.parse(readFileSync(lockFile(), 'utf8')).pid, process.pid);
    lock.release();
    // Garbage is not a holder either.
    writeFileSync(lockFile(), 'garbage');
    StateLock.acquire(dir).release();
  });

  it('hostile: a host starting while the previous one closes waits for its lock, and gives up with E_STATE_LOCKED if it stays', async () => {
    const previous = StateLock.acquire(dir);
    setTimeout(() => previous.release(), 200);
    const next = await StateLock.acquireWaiting(dir, 5_000);
    await assert.rejects(StateLock.acquireWaiting(dir, 300), locked);
    next.release();
  });

  it('hostile: release leaves a lock that is no longer this process’s', () => {
    const lock = StateLock.acquire(dir);
    writeFileSync(
      lockFile(),
      JSON.stringify({ pid: process.ppid, start: processStart(process.ppid) }),
    );
    lock.release();
    assert.equal(existsSync(lockFile()), true);
  });
});
