import assert from 'node:assert/strict';
import {
  BACKOFF_MS,
  HostConnection,
  type HostState,
} from '../../../extension/background/connection';
import { FakePort, FakeTimers, tick } from './fakes';

const HELLO_RESULT = {
  host: { name: 'open-mssante-host', version: '9.9.9' },
  protocol: { version: 1, min: 1 },
  capabilities: ['status', 'ping'],
};

function setup(connect?: () => FakePort) {
  const timers = new FakeTimers();
  const ports: FakePort[] = [];
  const states: HostState[] = [];
  let n = 0;
  const connection = new HostConnection({
    connectNative: () => {
      const port = connect ? connect() : new FakePort();
      ports.push(port);
      return port;
    },
    timers,
    now: () => timers.now,
    newId: () => `r${++n}`,
    client: { name: 'test', version: '1' },
    locale: 'en',
  });
  connection.onChange((s) => states.push(s));
  const answerHello = async (port: FakePort, result: unknown = HELLO_RESULT) => {
    const hello = port.sent.find((m) => m.type === 'hello');
    port.reply({ v: 1, id: hello.id, type: 'hello', ok: true, result });
    await tick();
  };
  return { timers, ports, states, connection, answerHello };
}

describe('extension host connection', () => {
  it('says hello first and is connected with the host and protocol versions', async () => {
    const { connection, ports, answerHello } = setup();
    connection.start();
    assert.equal(connection.state.status, 'connecting');
    assert.deepEqual(ports[0]!.sent[0].params, { client: { name: 'test', version: '1' } });
    await answerHello(ports[0]!);
    assert.equal(connection.state.status, 'connected');
    assert.deepEqual(connection.state.host, HELLO_RESULT.host);
    assert.deepEqual(connection.state.protocol, HELLO_RESULT.protocol);
  });

  it('reconnects with growing delays after consecutive failures, capped at 30 s', async () => {
    const { connection, ports, timers } = setup();
    connection.start();
    const delays: number[] = [];
    for (let i = 0; i < BACKOFF_MS.length + 2; i++) {
      ports.at(-1)!.die('gone');
      await tick();
      assert.equal(connection.state.status, 'disconnected');
      delays.push(connection.state.retryAt! - timers.now);
      timers.advance(delays.at(-1)!);
    }
    assert.deepEqual(delays, [...BACKOFF_MS, 30_000, 30_000]);
    assert.equal(ports.length, BACKOFF_MS.length + 3);
  });

  it('starts the backoff again after a successful connection', async () => {
    const { connection, ports, timers, answerHello } = setup();
    connection.start();
    ports[0]!.die();
    timers.advance(BACKOFF_MS[0]);
    ports[1]!.die();
    timers.advance(BACKOFF_MS[1]);
    await answerHello(ports[2]!);
    ports[2]!.die();
    assert.equal(connection.state.retryAt! - timers.now, BACKOFF_MS[0]);
  });

  it('gives the reason in the user language', async () => {
    const { connection, ports } = setup();
    connection.start();
    ports[0]!.die('No such native application fr.open_mssante.host');
    assert.equal(connection.state.reason?.code, 'E_HOST_NOT_FOUND');
    assert.match(connection.state.reason!.message, /^The MSSanté native host was not found/);
  });

  it('refuses a host whose protocol range excludes ours with E_PROTOCOL_VERSION', async () => {
    const { connection, ports, answerHello } = setup();
    connection.start();
    await answerHello(ports[0]!, { ...HELLO_RESULT, protocol: { version: 3, min: 2 } });
    assert.equal(connection.state.status, 'disconnected');
    assert.equal(connection.state.reason?.code, 'E_PROTOCOL_VERSION');
    assert.equal(ports[0]!.disconnected, true);
  });

  it('treats a hello that never comes back as a failure (E_HOST_TIMEOUT)', async () => {
    const { connection, timers } = setup();
    connection.start();
    timers.advance(10_000);
    await tick();
    assert.equal(connection.state.status, 'disconnected');
    assert.equal(connection.state.reason?.code, 'E_HOST_TIMEOUT');
  });

  it('reconnects at once when the user asks, and only when disconnected', async () => {
    const { connection, ports, timers, answerHello } = setup();
    connection.start();
    ports[0]!.die();
    assert.deepEqual(timers.pending(), [BACKOFF_MS[0]]);
    connection.reconnectNow();
    assert.equal(ports.length, 2);
    assert.deepEqual(timers.pending(), [10_000], 'only the hello deadline is left');
    await answerHello(ports[1]!);
    connection.reconnectNow();
    assert.equal(ports.length, 2);
  });

  it('refuses requests with E_HOST_DISCONNECTED while not connected', () => {
    const { connection } = setup();
    assert.throws(() => connection.ready, { code: 'E_HOST_DISCONNECTED' });
  });

  it('pushes every state change to listeners', async () => {
    const { connection, ports, states, answerHello } = setup();
    connection.start();
    await answerHello(ports[0]!);
    ports[0]!.die();
    assert.deepEqual(
      states.map((s) => s.status),
      ['connecting', 'connected', 'disconnected'],
    );
  });
});
