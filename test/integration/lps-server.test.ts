import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { HOST_NAMES } from '../../lab/sandbox/contracts';
import { startOperator, type TestOperator } from '../../lab/sandbox/operator';
import { ELODIE, MARIE, PAUL } from '../../lab/sandbox/people';
import { LoginDriver } from '../../lab/sandbox/psc/login-driver';
import { staticLookup } from '../../native-host/net/static-lookup';
import { RemotePscSession } from '../../native-host/psc/remote-session';
import { MssanteError } from '../../shared/errors/mssante-error';

const lookup = staticLookup({ '*.sandbox.mssante.test': '127.0.0.1' });

/** Waits (polling) for `probe` to be true; the test's own timeout bounds it. */
async function until(what: string, probe: () => boolean | Promise<boolean>): Promise<void> {
  for (;;) {
    if (await probe()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A raw HTTPS request to the server, as any program on the network could send. */
function raw(
  operator: TestOperator,
  method: string,
  pathname: string,
  { body, headers = {} }: { body?: string | Buffer; headers?: Record<string, string> } = {},
): Promise<{ status: number; text: string }> {
  const ca = readFileSync(operator.lps!.caFile, 'utf8');
  return new Promise((resolve, reject) => {
    const request = https.request(
      {
        hostname: HOST_NAMES.lps,
        port: operator.lps!.port,
        path: pathname,
        method,
        ca,
        lookup,
        headers: { 'content-type': 'application/json', ...headers },
      },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

describe('intermediate LPS server as its own process (real PSC stub, HTTPS, sessions pushed to hosts)', function () {
  this.timeout(120_000);
  let operator: TestOperator;
  let ca: string;
  const hosts: RemotePscSession[] = [];
  const host = () => {
    const session = new RemotePscSession({
      url: operator.lps!.url,
      ca,
      lookup,
      checkSeconds: 1,
    });
    hosts.push(session);
    return session;
  };
  const cibaSignIn = async (session: RemotePscSession, nationalId: string) => {
    const start = await session.beginCiba(nationalId, 'MSS-TEST');
    await until('the CIBA request at PSC', async () => {
      const pending = (await operator.control('ciba-pending', {})) as {
        pending: Array<{ nationalId: string }>;
      };
      return pending.pending.some((p) => p.nationalId === nationalId);
    });
    await operator.control('ciba-approve', { nationalId });
    return start.completion;
  };
  const active = async (token: string) => {
    const res = await fetch(operator.stub.info.introspection.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${operator.stub.info.introspection.clientId}:${operator.stub.info.introspection.clientSecret}`).toString('base64')}`,
      },
      body: new URLSearchParams({ token }).toString(),
    });
    return ((await res.json()) as { active: boolean }).active;
  };

  before(async () => {
    operator = await startOperator({ lps: { sessionCheckSeconds: 1 } });
    ca = readFileSync(operator.lps!.caFile, 'utf8');
  });
  after(async () => {
    for (const session of hosts) session.signOut();
    await operator?.stop();
  });

  it('a CIBA sign-in through the server gives the host an access token PSC accepts, and never a refresh token', async () => {
    const session = host();
    const identity = await cibaSignIn(session, MARIE.nationalId);
    assert.equal(identity.nationalId, MARIE.nationalId);
    const token = await session.accessToken();
    assert.equal(await active(token), true);
    assert.equal(session.facts.state, 'signed-in');
    // What the host holds: facts and the access token, nothing named like a refresh token.
    assert.doesNotMatch(JSON.stringify(session.facts), /refresh/i);
  });

  it('a browser sign-in comes back to the server’s fixed HTTPS redirect URI, not to the workstation', async () => {
    const session = host();
    const start = await session.beginBrowserLogin();
    const callback = await new LoginDriver().signIn(start.url, PAUL.nationalId, 'ecps');
    assert.equal(callback.origin, operator.lps!.url);
    assert.equal(callback.pathname, '/v1/psc/callback');
    const page = await raw(operator, 'GET', callback.pathname + callback.search);
    assert.equal(page.status, 200);
    assert.match(page.text, /Connexion Pro Santé Connect réussie/);
    const identity = await start.completion;
    assert.equal(identity.nationalId, PAUL.nationalId);
    assert.equal(await active(await session.accessToken()), true);
    // The same callback again (a replay) is refused and changes nothing.
    const replay = await raw(operator, 'GET', callback.pathname + callback.search);
    assert.equal(replay.status, 400);
    assert.equal(session.facts.state, 'signed-in');
  });

  it('the server renews the access token when the host asks (a refresh grant at PSC with the refresh token only it holds)', async () => {
    const session = host();
    await cibaSignIn(session, MARIE.nationalId);
    const first = await session.accessToken();
    const renewed = await session.refresh();
    assert.notEqual(renewed, first);
    assert.equal(await active(renewed), true);
    assert.equal(await session.accessToken(), renewed);
  });

  it('PSC ends the session: the server finds out and pushes the end; the host’s session ends with the code', async () => {
    const session = host();
    await cibaSignIn(session, PAUL.nationalId);
    const ended = new Promise<string>((resolve) => session.once('ended', resolve));
    await operator.control('end-session', { nationalId: PAUL.nationalId });
    assert.equal(await ended, 'E_PSC_REFRESH_INVALID');
    assert.equal(session.facts.state, 'ended');
    await assert.rejects(session.accessToken(), { code: 'E_PSC_REFRESH_INVALID' });
  });

  it('PSC down while the server refreshes: the host keeps the token in hand (still valid) and its session, and is told PSC is unreachable', async () => {
    const session = host();
    await cibaSignIn(session, MARIE.nationalId);
    const token = await session.accessToken();
    await operator.control('down', { on: 'true' });
    try {
      await assert.rejects(session.refresh(), { code: 'E_PSC_UNREACHABLE' });
      assert.equal(session.facts.state, 'signed-in');
      assert.equal(await session.accessToken(), token);
    } finally {
      await operator.control('down', { on: 'false' });
    }
    assert.notEqual(await session.refresh(), token);
  });

  it('two workstations, two professionals: each gets only its own token; signing one out leaves the other working', async () => {
    const marie = host();
    const paul = host();
    await cibaSignIn(marie, MARIE.nationalId);
    await cibaSignIn(paul, PAUL.nationalId);
    const paulToken = await paul.accessToken();
    assert.notEqual(await marie.accessToken(), paulToken);
    assert.equal(marie.facts.identity?.nationalId, MARIE.nationalId);
    assert.equal(paul.facts.identity?.nationalId, PAUL.nationalId);
    marie.signOut();
    assert.equal(marie.facts.state, 'ended');
    assert.equal(await paul.accessToken(), paulToken);
    assert.equal(await active(paulToken), true);
    assert.equal(paul.facts.state, 'signed-in');
  });

  it('signing out at the server revokes the refresh token at PSC (RFC 7009): the PSC session is over there too', async () => {
    const session = host();
    await cibaSignIn(session, ELODIE.nationalId);
    const tokens = async () =>
      (
        (await operator.control('tokens', { nationalId: ELODIE.nationalId })) as {
          tokens: string[];
        }
      ).tokens;
    assert.ok((await tokens()).length > 0);
    session.signOut();
    await until('the grant revoked at PSC', async () => (await tokens()).length === 0);
  });

  it('refuses malformed, oversized, unbound and unknown requests with a coded error, and keeps serving', async () => {
    const cases: Array<
      [string, string, { body?: string; headers?: Record<string, string> }, number, string]
    > = [
      ['POST', '/v1/sessions', { body: 'not json' }, 400, 'E_LPS_REQUEST_INVALID'],
      [
        'POST',
        '/v1/sessions',
        { body: JSON.stringify({ v: 1, secret: 'short' }) },
        400,
        'E_LPS_REQUEST_INVALID',
      ],
      [
        'POST',
        '/v1/sessions',
        { body: JSON.stringify({ v: 2, secret: 'a'.repeat(43) }) },
        400,
        'E_LPS_REQUEST_INVALID',
      ],
      ['POST', '/v1/sessions', { body: 'x'.repeat(64 * 1024) }, 413, 'E_LPS_REQUEST_TOO_LARGE'],
      ['GET', `/v1/sessions/${'A'.repeat(22)}/token`, {}, 401, 'E_LPS_SESSION_LOST'],
      [
        'GET',
        `/v1/sessions/${'A'.repeat(22)}/token`,
        { headers: { authorization: `MSS-Session ${'A'.repeat(22)}.${'b'.repeat(43)}` } },
        401,
        'E_LPS_SESSION_LOST',
      ],
      ['GET', '/v1/nothing', {}, 404, 'E_LPS_REQUEST_INVALID'],
    ];
    for (const [method, pathname, options, status, code] of cases) {
      const answer = await raw(operator, method, pathname, options);
      assert.equal(answer.status, status, `${method} ${pathname}`);
      assert.equal((JSON.parse(answer.text) as { error: { code: string } }).error.code, code);
    }
    // A session id with another session's secret opens nothing.
    const opened = await raw(operator, 'POST', '/v1/sessions', {
      body: JSON.stringify({ v: 1, secret: 'c'.repeat(43) }),
    });
    const { sessionId } = JSON.parse(opened.text) as { sessionId: string };
    const stolen = await raw(operator, 'GET', `/v1/sessions/${sessionId}`, {
      headers: { authorization: `MSS-Session ${sessionId}.${'d'.repeat(43)}` },
    });
    assert.equal(stolen.status, 401);
    const own = await raw(operator, 'GET', `/v1/sessions/${sessionId}`, {
      headers: { authorization: `MSS-Session ${sessionId}.${'c'.repeat(43)}` },
    });
    assert.equal(own.status, 200);
    assert.deepEqual(JSON.parse(own.text), { v: 1, facts: { state: 'signed-out' } });
  });

  it('an unreachable server is E_LPS_UNREACHABLE at sign-in, in words', async () => {
    const session = new RemotePscSession({ url: 'https://lps.sandbox.mssante.test:1', ca, lookup });
    await assert.rejects(session.beginCiba(MARIE.nationalId, 'MSS-TEST'), (e: MssanteError) => {
      assert.equal(e.code, 'E_LPS_UNREACHABLE');
      assert.match(e.toWire('fr').message, /injoignable/);
      return true;
    });
  });

  it('a restarted server has lost its sessions: each host finds out and ends its session (E_LPS_SESSION_LOST)', async () => {
    const session = host();
    await cibaSignIn(session, MARIE.nationalId);
    const ended = new Promise<string>((resolve) => session.once('ended', resolve));
    await operator.lps!.restart();
    assert.equal(await ended, 'E_LPS_SESSION_LOST');
    // The new process serves new sessions.
    const again = host();
    await cibaSignIn(again, MARIE.nationalId);
    assert.equal(again.facts.state, 'signed-in');
  });

  it('no token reaches the server’s log or its folder; the PSC client secret stays in its config file', async () => {
    const { tokens } = (await operator.control('tokens', { nationalId: MARIE.nationalId })) as {
      tokens: string[];
    };
    assert.ok(tokens.length > 0);
    const dir = path.dirname(operator.lps!.configFile);
    for (const name of readdirSync(dir)) {
      const file = path.join(dir, name);
      if (!statSync(file).isFile()) continue;
      const text = readFileSync(file, 'latin1');
      for (const token of tokens)
        assert.equal(text.includes(token), false, `${name} holds a token`);
    }
    assert.match(readFileSync(operator.lps!.logFile, 'utf8'), /"event":"session.open"/);
    assert.equal(statSync(operator.lps!.configFile).mode & 0o777, 0o600);
  });
});
