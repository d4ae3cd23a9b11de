import assert from 'node:assert/strict';
import { latin1Line, userSentence } from '../../../../native-host/bridge/wire-text';

describe('bridge wire text', () => {
  it('writes the French sentence as Latin-1 bytes, the way Thunderbird reads IMAP/SMTP text', () => {
    const bytes = latin1Line(`A1 NO [UNAVAILABLE] ${userSentence('E_TRUST_EXPIRED')}`);
    assert.equal(
      bytes.toString('latin1'),
      'A1 NO [UNAVAILABLE] Le certificat du serveur a expiré (ECO.1.1.5). [E_TRUST_EXPIRED]\r\n',
    );
    assert.equal(bytes.includes(0xe9), true, 'é is one byte, 0xE9');
  });

  it('replaces typographic characters outside Latin-1 and never lets a line break through', () => {
    assert.equal(
      latin1Line('L’hôte « natif » — œuvre…\r\n* injected').toString('latin1'),
      "L'hôte « natif » - oeuvre... * injected\r\n",
    );
    assert.equal(latin1Line('漢字').toString('latin1'), '??\r\n');
  });
});
