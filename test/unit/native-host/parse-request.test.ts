import assert from 'node:assert/strict';
import { MESSAGES, parseRequest, type MessageType } from '../../../shared/protocol/index';
import {
  HOST_MESSAGE_TYPES,
  loadMessageSchemas,
  parseRequestLazily,
} from '../../../native-host/messaging/parse-request';

/** What a parser does with a raw request: the request it returns, or the coded refusal. */
async function outcome(parse: () => unknown): Promise<unknown> {
  try {
    return { ok: await parse() };
  } catch (error) {
    const e = error as { code?: string; detail?: string };
    return { code: e.code, detail: e.detail };
  }
}

async function sameAsShared(raw: unknown): Promise<unknown> {
  const lazy = await outcome(() => parseRequestLazily(raw));
  assert.deepEqual(lazy, await outcome(() => parseRequest(raw)), JSON.stringify(raw));
  return lazy;
}

const TYPES = Object.keys(MESSAGES) as MessageType[];

describe('host request parser (schemas loaded per message type)', () => {
  it('knows exactly the message types of the protocol', () => {
    assert.deepEqual([...HOST_MESSAGE_TYPES].sort(), [...TYPES].sort());
  });

  it("loads, for every type, schemas that accept and refuse what the protocol's own do", async () => {
    // tsx may evaluate a dynamically imported module a second time, so the schemas are compared
    // by behaviour, not identity: the same verdicts and details on the same inputs.
    const samples: unknown[] = [
      undefined,
      null,
      42,
      'x',
      [],
      {},
      { client: { name: 'tb', version: '1' } },
      { payload: 'abc' },
      { address: 'a@b.mssante.fr' },
      { query: 'dup' },
      { days: 7 },
    ];
    for (const type of TYPES) {
      const schemas = await loadMessageSchemas(type);
      assert.equal(schemas.type, MESSAGES[type].type);
      for (const params of samples) {
        const shared = MESSAGES[type].params.safeParse(params);
        const lazy = schemas.params.safeParse(params);
        assert.equal(lazy.success, shared.success, `${type} ${JSON.stringify(params)}`);
        assert.deepEqual(lazy.error?.issues, shared.error?.issues, type);
        assert.deepEqual(lazy.data, shared.data, type);
      }
    }
  });

  it('accepts a hello and a ping exactly as parseRequest does', async () => {
    const hello = await sameAsShared({
      v: 1,
      id: 'h1',
      type: 'hello',
      params: { client: { name: 'tb', version: '1' }, extra: 'dropped' },
    });
    assert.deepEqual(hello, {
      ok: { v: 1, id: 'h1', type: 'hello', params: { client: { name: 'tb', version: '1' } } },
    });
    await sameAsShared({ v: 1, id: 'p', type: 'ping', params: { payload: 'x' } });
  });

  it('refuses with the same codes and details as parseRequest, in the same order', async () => {
    const refusals: Array<[unknown, string]> = [
      [null, 'E_PROTOCOL_INVALID'],
      [{ v: 1, type: 'hello' }, 'E_PROTOCOL_INVALID'],
      [{ v: 1, id: '', type: 'hello' }, 'E_PROTOCOL_INVALID'],
      [{ v: 1, id: 'x'.repeat(65), type: 'hello' }, 'E_PROTOCOL_INVALID'],
      [{ v: 1.5, id: 'a', type: 'hello' }, 'E_PROTOCOL_INVALID'],
      [{ v: 2, id: 'a', type: 'nope' }, 'E_PROTOCOL_VERSION'],
      [{ v: 0, id: 'a', type: 'hello' }, 'E_PROTOCOL_VERSION'],
      [{ v: 1, id: 'a', type: 'nope' }, 'E_PROTOCOL_UNKNOWN_TYPE'],
      [{ v: 1, id: 'a', type: 'toString' }, 'E_PROTOCOL_UNKNOWN_TYPE'],
      [{ v: 1, id: 'a', type: '__proto__' }, 'E_PROTOCOL_UNKNOWN_TYPE'],
      [{ v: 1, id: 'a', type: 'hello' }, 'E_PROTOCOL_INVALID'],
      [{ v: 1, id: 'a', type: 'hello', params: { client: { name: 1 } } }, 'E_PROTOCOL_INVALID'],
      [{ v: 1, id: 'a', type: 'ping', params: {} }, 'E_PROTOCOL_INVALID'],
    ];
    for (const [raw, code] of refusals) {
      const got = (await sameAsShared(raw)) as { code?: string };
      assert.equal(got.code, code, JSON.stringify(raw));
    }
    for (const type of TYPES) await sameAsShared({ v: 1, id: 'a', type, params: 42 });
  });
});
