import assert from 'node:assert/strict';
import { ERROR_CODES, ERROR_MESSAGES, isErrorCode } from '../../../shared/errors/codes';
import { MssanteError } from '../../../shared/errors/mssante-error';
import {
  MESSAGES,
  PROTOCOL_VERSION,
  makeRequest,
  parseRequest,
  parseResponse,
} from '../../../shared/protocol/index';
import { HANDLERS } from '../../../native-host/handlers/index';

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return error instanceof MssanteError ? error.code : `not coded: ${String(error)}`;
  }
  return 'no error';
};

describe('shared/protocol', () => {
  it('has exactly one host handler per message type', () => {
    assert.deepEqual(Object.keys(HANDLERS).sort(), Object.keys(MESSAGES).sort());
  });

  it('writes the envelope (v, id, type) before the params', () => {
    const text = JSON.stringify(makeRequest('ping', 'r1', { payload: 'p' }));
    assert.ok(text.startsWith('{"v":1,"id":"r1","type":"ping",'), text);
  });

  it('accepts a valid request and returns it typed', () => {
    const request = parseRequest({
      v: 1,
      id: 'x',
      type: 'hello',
      params: { client: { name: 'a', version: '1' } },
    });
    assert.equal(request.type, 'hello');
  });

  const refusals: Array<[string, unknown, string]> = [
    ['a non-object', 42, 'E_PROTOCOL_INVALID'],
    ['no id', { v: 1, type: 'status', params: {} }, 'E_PROTOCOL_INVALID'],
    ['an empty id', { v: 1, id: '', type: 'status', params: {} }, 'E_PROTOCOL_INVALID'],
    [
      'an id over 64 characters',
      { v: 1, id: 'i'.repeat(65), type: 'status', params: {} },
      'E_PROTOCOL_INVALID',
    ],
    [
      'a future version',
      { v: PROTOCOL_VERSION + 1, id: 'x', type: 'status', params: {} },
      'E_PROTOCOL_VERSION',
    ],
    ['version 0', { v: 0, id: 'x', type: 'status', params: {} }, 'E_PROTOCOL_VERSION'],
    [
      'an unknown type',
      { v: 1, id: 'x', type: 'format-disk', params: {} },
      'E_PROTOCOL_UNKNOWN_TYPE',
    ],
    [
      'an inherited property name as type',
      { v: 1, id: 'x', type: 'toString', params: {} },
      'E_PROTOCOL_UNKNOWN_TYPE',
    ],
    ['missing params', { v: 1, id: 'x', type: 'ping' }, 'E_PROTOCOL_INVALID'],
    [
      'params of the wrong type',
      { v: 1, id: 'x', type: 'ping', params: { payload: 1 } },
      'E_PROTOCOL_INVALID',
    ],
  ];
  for (const [name, raw, code] of refusals) {
    it(`refuses a request with ${name}: ${code}`, () =>
      assert.equal(
        codeOf(() => parseRequest(raw)),
        code,
      ));
  }

  it('validates a reply result against its type', () => {
    const good = { v: 1, id: 'x', type: 'ping', ok: true, result: { payload: 'a' } };
    assert.deepEqual(parseResponse(good), good);
    assert.equal(
      codeOf(() => parseResponse({ ...good, result: { payload: 3 } })),
      'E_PROTOCOL_INVALID',
    );
    assert.equal(
      codeOf(() => parseResponse({ ...good, v: 2 })),
      'E_PROTOCOL_INVALID',
    );
  });

  it('accepts an error reply without an id', () => {
    const reply = parseResponse({
      v: 1,
      id: null,
      type: null,
      ok: false,
      error: { code: 'E_FRAME_INVALID_JSON', message: 'm' },
    });
    assert.equal(reply.ok, false);
  });
});

describe('shared/errors', () => {
  it('has a French and an English sentence for every code', () => {
    for (const code of ERROR_CODES) {
      assert.ok(ERROR_MESSAGES[code].fr.length > 10, `${code} fr`);
      assert.ok(ERROR_MESSAGES[code].en.length > 10, `${code} en`);
      assert.notEqual(ERROR_MESSAGES[code].fr, ERROR_MESSAGES[code].en, `${code} is translated`);
      assert.match(code, /^E_[A-Z0-9_]+$/);
    }
  });

  it('crosses the wire as {code, message} only, in the asked language, and comes back intact', () => {
    const error = new MssanteError('E_HOST_TIMEOUT', {
      detail: 'hello after 10 ms',
      cause: new Error('secret cause'),
    });
    assert.deepEqual(error.toWire('en'), {
      code: 'E_HOST_TIMEOUT',
      message: 'The MSSanté native host did not answer in time. (hello after 10 ms)',
    });
    assert.deepEqual(Object.keys(error.toWire()), ['code', 'message']);
    const back = MssanteError.fromWire(error.toWire('fr'));
    assert.deepEqual(back.toWire('en'), error.toWire('fr'));
    assert.equal(MssanteError.fromWire({ code: 'E_NOT_A_CODE', message: 'x' }).code, 'E_INTERNAL');
    assert.equal(isErrorCode('constructor'), false);
  });
});
