import assert from 'node:assert/strict';
import { MssanteError } from '../../../shared/errors/mssante-error';
import { parseRequest, parseResponse } from '../../../shared/protocol/index';

const request = (params: unknown) => ({ v: 1, id: 'a1', type: 'audit.query', params });
const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return error instanceof MssanteError ? error.code : `not coded: ${String(error)}`;
  }
  return 'no error';
};

describe('shared/protocol audit.query', () => {
  it('takes day, mailbox, action and outcome filters, with 200 entries by default', () => {
    const parsed = parseRequest(
      request({
        from: '2026-11-01',
        to: '2026-11-30',
        mailbox: 'a@b.fr',
        action: 'send',
        outcome: 'failed',
      }),
    );
    assert.deepEqual(parsed.params, {
      from: '2026-11-01',
      to: '2026-11-30',
      mailbox: 'a@b.fr',
      action: 'send',
      outcome: 'failed',
      limit: 200,
    });
  });

  const refusals: Array<[string, unknown]> = [
    ['more than 500 entries', { limit: 501 }],
    ['no entry', { limit: 0 }],
    ['a day that is not YYYY-MM-DD', { from: '25/11/2026' }],
    ['a month 13', { to: '2026-13-01' }],
    ['from after to', { from: '2026-11-25', to: '2026-11-24' }],
    ['an unknown outcome', { outcome: 'maybe' }],
    ['a non-integer page mark', { before: 1.5 }],
  ];
  for (const [name, params] of refusals)
    it(`refuses ${name}: E_PROTOCOL_INVALID`, () =>
      assert.equal(
        codeOf(() => parseRequest(request(params))),
        'E_PROTOCOL_INVALID',
      ));

  it('validates the reply: entries, more, and the chain state', () => {
    const reply = {
      v: 1,
      id: 'a1',
      type: 'audit.query',
      ok: true,
      result: {
        entries: [
          {
            seq: 3,
            ts: '2026-11-25T13:00:00.000+01:00',
            author: '8101',
            action: 'fetch',
            outcome: 'ok',
          },
        ],
        more: false,
        verified: {
          ok: false,
          firstBad: 2,
          detail: 'journal-2026-11-25.jsonl:2: entry 2 was changed',
        },
      },
    };
    assert.equal(parseResponse(reply).ok, true);
    const bad = { ...reply, result: { ...reply.result, entries: [{ seq: 3, outcome: 'ok' }] } };
    assert.equal(
      codeOf(() => parseResponse(bad)),
      'E_PROTOCOL_INVALID',
    );
  });
});
