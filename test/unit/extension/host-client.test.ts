import assert from 'node:assert/strict';
import { HostClient } from '../../../extension/background/host-client';
import type { MssanteError } from '../../../shared/errors/mssante-error';
import { DEFAULT_REQUEST_DEADLINE_MS, requestDeadlineMs } from '../../../shared/protocol/deadlines';
import { FakePort, FakeTimers, tick } from './fakes';

function client() {
  const port = new FakePort();
  const timers = new FakeTimers();
  let n = 0;
  const closed: MssanteError[] = [];
  const stray: unknown[] = [];
  const c = new HostClient(port, {
    timers,
    newId: () => `id${++n}`,
    onClose: (reason) => closed.push(reason),
    onStray: (e) => stray.push(e),
  });
  return { port, timers, c, closed, stray };
}

describe('extension host client', () => {
  it('sends typed requests and resolves them with the validated result', async () => {
    const { port, c } = client();
    const pending = c.request('ping', { payload: 'hi' });
    assert.deepEqual(port.sent, [{ v: 1, id: 'id1', type: 'ping', params: { payload: 'hi' } }]);
    port.reply({ v: 1, id: 'id1', type: 'ping', ok: true, result: { payload: 'hi' } });
    assert.deepEqual(await pending, { payload: 'hi' });
  });

  it('rejects with the host error code and sentence', async () => {
    const { port, c } = client();
    const pending = c.request('status', {});
    port.reply({
      v: 1,
      id: 'id1',
      type: 'status',
      ok: false,
      error: { code: 'E_PROTOCOL_INVALID', message: 'phrase' },
    });
    await assert.rejects(
      pending,
      (e: MssanteError) => e.code === 'E_PROTOCOL_INVALID' && e.toWire().message === 'phrase',
    );
  });

  it('rejects a request that gets no answer before its deadline with E_HOST_TIMEOUT', async () => {
    const { timers, c, port } = client();
    const pending = c.request('status', {}, 500);
    timers.advance(499);
    await tick();
    timers.advance(1);
    await assert.rejects(pending, { code: 'E_HOST_TIMEOUT' });
    port.reply({
      v: 1,
      id: 'id1',
      type: 'status',
      ok: false,
      error: { code: 'E_INTERNAL', message: 'late' },
    });
    assert.deepEqual(timers.pending(), []);
  });

  it('waits for each request as long as its type needs: an autoconfig lookup outlives the host’s own 15 s wait, a status does not', () => {
    const { timers, c } = client();
    void c.request('status', {}).catch(() => {});
    void c.request('autoconfig.lookup', { address: 'marie@sandbox.mssante.test' }).catch(() => {});
    void c.request('annuaire.search', { criteria: { name: 'MARTIN' } }).catch(() => {});
    assert.deepEqual(timers.pending(), [
      DEFAULT_REQUEST_DEADLINE_MS,
      requestDeadlineMs('autoconfig.lookup'),
      requestDeadlineMs('annuaire.search'),
    ]);
  });

  it('rejects everything pending when the port closes, and what comes after', async () => {
    const { port, c, closed, timers } = client();
    const a = c.request('status', {});
    const b = c.request('ping', { payload: '' });
    port.die('host crashed');
    await assert.rejects(a, { code: 'E_HOST_DISCONNECTED' });
    await assert.rejects(b, { code: 'E_HOST_DISCONNECTED' });
    await assert.rejects(c.request('status', {}), { code: 'E_HOST_DISCONNECTED' });
    assert.equal(closed.length, 1);
    assert.deepEqual(timers.pending(), [], 'deadlines cleared');
  });

  it('names a host that Thunderbird could not find E_HOST_NOT_FOUND', () => {
    const { port, closed } = client();
    port.die('No such native application fr.open_mssante.host');
    assert.equal(closed[0]?.code, 'E_HOST_NOT_FOUND');
  });

  it('closes the port on a reply that breaks the protocol', async () => {
    const { port, c, closed } = client();
    const pending = c.request('ping', { payload: 'x' });
    port.reply({ v: 1, id: 'id1', type: 'ping', ok: true, result: { payload: 12 } });
    await assert.rejects(pending, { code: 'E_PROTOCOL_INVALID' });
    assert.equal(closed[0]?.code, 'E_PROTOCOL_INVALID');
    assert.equal(port.disconnected, true);
  });

  it('reports an error reply that matches no request as stray', () => {
    const { port, stray } = client();
    port.reply({
      v: 1,
      id: null,
      type: null,
      ok: false,
      error: { code: 'E_FRAME_INVALID_JSON', message: 'm' },
    });
    assert.deepEqual(stray, [{ code: 'E_FRAME_INVALID_JSON', message: 'm' }]);
  });
});
