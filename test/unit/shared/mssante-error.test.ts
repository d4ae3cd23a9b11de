import assert from 'node:assert/strict';
import { MssanteError, toMssanteError } from '../../../shared/errors/mssante-error';

describe('MssanteError', () => {
  it('keeps the code of a coded error made by another copy of the module (loaded twice), instead of E_INTERNAL', () => {
    // What a second evaluation of mssante-error.ts produces: same shape, another class object.
    class OtherCopy extends Error {
      readonly code = 'E_ZIP_BOMB';
      constructor() {
        super('bomb');
        this.name = 'MssanteError';
      }
      toWire() {
        return { code: this.code, message: 'bomb' };
      }
    }
    const foreign = new OtherCopy();
    assert.equal(foreign instanceof MssanteError, true);
    assert.equal(toMssanteError(foreign).code, 'E_ZIP_BOMB');
  });

  it('turns anything else into E_INTERNAL: a plain error, a look-alike with a code outside the list', () => {
    const lookAlike = Object.assign(new Error('x'), {
      name: 'MssanteError',
      code: 'E_NOPE',
      toWire() {},
    });
    assert.equal(lookAlike instanceof MssanteError, false);
    assert.equal(toMssanteError(lookAlike).code, 'E_INTERNAL');
    assert.equal(toMssanteError(new Error('boom')).code, 'E_INTERNAL');
    assert.equal(toMssanteError({ code: 'E_ZIP_BOMB' }).code, 'E_INTERNAL');
    assert.equal(new MssanteError('E_ZIP_BOMB') instanceof MssanteError, true);
  });
});
