import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import {
  MAX_WORDS,
  autocompleteMatch,
  columnsMatch,
  prefixPhrase,
  queryWords,
} from '../../../../native-host/annuaire/offline-query';
import { fold, nameKey } from '../../../../native-host/annuaire/offline-schema';

describe('offline Annuaire query text (FTS5)', () => {
  it('ECO.3.1.4 quotes every word as one FTS5 string, inner quotes doubled', () => {
    assert.equal(prefixPhrase('martin'), '"martin"*');
    assert.equal(prefixPhrase('o"neil'), '"o""neil"*');
    assert.equal(prefixPhrase('NEAR(a'), '"NEAR(a"*');
    assert.equal(columnsMatch(['last_name'], 'dupont AND'), '{last_name} : ("dupont"* AND "AND"*)');
    assert.equal(
      autocompleteMatch('marie mar'),
      '{last_name first_name mail organisation} : ("marie"* AND "mar"*)',
    );
  });

  it('ECO.3.1.4 drops words that hold no letter or digit, and bounds the query', () => {
    assert.deepEqual(queryWords('  *  ) "  martin  -- '), ['martin']);
    assert.equal(autocompleteMatch('* ) "'), undefined);
    assert.equal(queryWords('a b c d e f g h i j').length, MAX_WORDS);
    assert.equal(queryWords('x'.repeat(500))[0]!.length, 64);
  });

  it('ECO.3.1.4 hostile input stays text for a real FTS5 table: no syntax error, literal matches only', () => {
    const db = new Database(':memory:');
    db.exec(
      "CREATE VIRTUAL TABLE search USING fts5(last_name, first_name, mail, organisation, city, profession, speciality, tokenize = 'unicode61 remove_diacritics 2')",
    );
    const insert = db.prepare(
      'INSERT INTO search (rowid, last_name, first_name, mail, organisation) VALUES (?, ?, ?, ?, ?)',
    );
    insert.run(1, 'NEAR', 'Jean', 'jean.near', 'AND OR NOT');
    insert.run(2, "O'NEIL", 'Siobhán', 'siobhan.oneil', 'Centre "Santé" (Nord)');
    insert.run(3, 'MARTIN', 'Hélène', 'helene.martin', 'Cabinet');
    const find = (input: string) => {
      const m = autocompleteMatch(input);
      if (!m) return [];
      return db
        .prepare('SELECT rowid FROM search WHERE search MATCH ? ORDER BY rowid')
        .pluck()
        .all(m);
    };
    assert.deepEqual(find('NEAR'), [1]);
    assert.deepEqual(find('near( jean'), [1]);
    assert.deepEqual(find('near(jean'), []); // one word: "near jean" as a phrase in one column
    assert.deepEqual(find('AND'), [1]);
    assert.deepEqual(find('"santé"'), [2]);
    assert.deepEqual(find("o'neil"), [2]);
    assert.deepEqual(find('HELENE mart'), [3]);
    assert.deepEqual(find("'; DROP TABLE search; --"), []);
    assert.deepEqual(find('last_name:near'), []);
    assert.deepEqual(find('{mail}: siob'), []);
    assert.deepEqual(find('*'), []);
    assert.equal(db.prepare('SELECT count(*) FROM search').pluck().get(), 3);
  });

  it('ECO.3.1.4 folds case and accents for the name order and the "starts with" key', () => {
    assert.equal(fold('Hélène ÉLOI'), 'helene eloi');
    assert.equal(nameKey('LEFÈVRE', ' Anaïs  Marie'), 'lefevre anais marie');
    assert.equal(nameKey('Clinique  Saint-Éloi'), 'clinique saint-eloi');
  });
});
