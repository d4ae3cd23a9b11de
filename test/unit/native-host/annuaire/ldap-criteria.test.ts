import assert from 'node:assert/strict';
import { BerWriter, type Filter } from 'ldapts';
import {
  autocompleteFilter,
  criteriaFilter,
  MAX_CRITERION_LENGTH,
} from '../../../../native-host/annuaire/criteria';
import { annuaireError } from '../../../../native-host/annuaire/ldap-client';
import { entryFromLdap, ldapAttributesOf } from '../../../../native-host/annuaire/mapping';
import { generateEntries } from '../../../../lab/sandbox/annuaire/generate';
import { MssanteError } from '../../../../shared/errors/mssante-error';

const text = (filter: Filter | null) => filter?.toString() ?? 'null';
/** The filter as sent on the wire (BER). */
function wire(filter: Filter): Buffer {
  const writer = new BerWriter();
  filter.write(writer);
  return writer.buffer;
}
function code(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof MssanteError) return error.code;
    throw error;
  }
  return 'none';
}

describe('Annuaire LDAP filters (native-host/annuaire/criteria)', () => {
  it('ECO.3.1.4 escapes *, (, ), \\ per RFC 4515 in every criterion', () => {
    assert.equal(text(criteriaFilter({ name: '*' })), '(sn=\\2a*)');
    assert.equal(text(criteriaFilter({ name: ')(' })), '(sn=\\29\\28*)');
    assert.equal(text(criteriaFilter({ name: 'a\\b' })), '(sn=a\\5cb*)');
    assert.equal(text(criteriaFilter({ city: '(|(mail=*))' })), '(l=\\28|\\28mail=\\2a\\29\\29*)');
    assert.equal(
      text(criteriaFilter({ nationalId: '*)(objectClass=*' })),
      '(mssanteIdNat=\\2a\\29\\28objectClass=\\2a)',
    );
  });

  it('ECO.3.1.4 sends user values as BER octet strings, never as filter text', () => {
    const hostile = '*)(|(mail=*';
    const bytes = wire(criteriaFilter({ name: hostile })!);
    // The value is one substring "initial" element holding the raw characters.
    assert.ok(bytes.includes(Buffer.from(hostile, 'utf8')));
    assert.equal(bytes[0], 0xa4, 'a substrings filter, not a parsed OR');
    assert.ok(wire(criteriaFilter({ name: 'LEFÈVRE' })!).includes(Buffer.from('LEFÈVRE')));
  });

  it('ECO.3.1.4 a value with a control character (NUL…) matches nothing and is not sent', () => {
    assert.equal(criteriaFilter({ name: 'MARTIN\u0000' }), null);
    assert.equal(criteriaFilter({ name: 'MARTIN', city: 'Pa\u0001ris' }), null);
    assert.equal(autocompleteFilter('\u0000'), null);
  });

  it('ECO.3.1.4 combines criteria with AND: prefixes, exact codes, mailbox type', () => {
    assert.equal(
      text(criteriaFilter({ name: 'mar', firstName: 'Él', profession: '10', speciality: 'sm54' })),
      '(&(sn=mar*)(givenName=Él*)(mssanteCodeProfession=10)(mssanteCodeSavoirFaire=SM54))',
    );
    assert.equal(
      text(criteriaFilter({ profession: 'Infirm', speciality: 'Pédiatrie' })),
      '(&(mssanteLibelleProfession=Infirm*)(mssanteLibelleSavoirFaire=Pédiatrie*))',
    );
    assert.equal(
      text(
        criteriaFilter({
          postalCode: '75',
          city: 'Paris',
          organisation: 'CHU',
          mailboxType: 'org',
        }),
      ),
      '(&(postalCode=75*)(l=Paris*)(o=CHU*)(mssanteTypeBAL=ORG))',
    );
    assert.equal(text(criteriaFilter({ mail: 'marie.', name: '  ' })), '(mail=marie.*)');
  });

  it('ECO.3.1.4 autocomplete: each word starts one of last name, first name, mail, organisation', () => {
    assert.equal(
      text(autocompleteFilter('mar')),
      '(|(sn=mar*)(givenName=mar*)(mail=mar*)(o=mar*))',
    );
    assert.equal(
      text(autocompleteFilter(' marie  mar* ')),
      '(&(|(sn=marie*)(givenName=marie*)(mail=marie*)(o=marie*))' +
        '(|(sn=mar\\2a*)(givenName=mar\\2a*)(mail=mar\\2a*)(o=mar\\2a*)))',
    );
  });

  it('ECO.3.1.4 refuses no criteria, an unknown mailbox type and oversized values', () => {
    assert.equal(
      code(() => criteriaFilter({})),
      'E_ANNUAIRE_NO_CRITERIA',
    );
    assert.equal(
      code(() => criteriaFilter({ name: ' ', city: '' })),
      'E_ANNUAIRE_NO_CRITERIA',
    );
    assert.equal(
      code(() => autocompleteFilter('   ')),
      'E_ANNUAIRE_NO_CRITERIA',
    );
    assert.equal(
      code(() => criteriaFilter({ mailboxType: 'ALL' })),
      'E_ANNUAIRE_CRITERIA_INVALID',
    );
    const long = 'x'.repeat(MAX_CRITERION_LENGTH + 1);
    assert.equal(
      code(() => criteriaFilter({ name: long })),
      'E_ANNUAIRE_CRITERIA_INVALID',
    );
    assert.equal(
      code(() => autocompleteFilter('a b c d e f g')),
      'E_ANNUAIRE_CRITERIA_INVALID',
    );
  });
});

describe('Annuaire LDAP mapping and errors', () => {
  it('ECO.3.1.4 an entry survives the LDAP attributes both ways', () => {
    for (const entry of generateEntries(60, 3)) {
      const record: Record<string, string> = {};
      for (const [name, value] of ldapAttributesOf(entry)) record[name.toLowerCase()] = value;
      assert.deepEqual(entryFromLdap(record), entry);
    }
  });

  it('ECO.3.1.4 translates socket and LDAP failures into coded errors', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    assert.equal(annuaireError(refused).code, 'E_ANNUAIRE_UNREACHABLE');
    assert.equal(
      annuaireError(new Error('SearchRequest: Operation timed out')).code,
      'E_ANNUAIRE_TIMEOUT',
    );
    assert.equal(annuaireError(new Error('Connection timeout')).code, 'E_ANNUAIRE_TIMEOUT');
    assert.equal(annuaireError(new Error('weird')).code, 'E_ANNUAIRE_LDAP_FAILED');
  });
});
