import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client, SizeLimitExceededError } from 'ldapts';
import { type AnnuaireCriteria } from '../../../native-host/annuaire/criteria';
import { command as annuaireCli } from '../../../native-host/cli/commands/annuaire';
import { AnnuaireLdapClient, MAX_RESULTS } from '../../../native-host/annuaire/ldap-client';
import type { Started } from '../../../lab/sandbox/contracts';
import { generateEntries } from '../../../lab/sandbox/annuaire/generate';
import { type SlapdInfo, startSlapd } from '../../../lab/sandbox/annuaire/slapd';
import { freePort } from '../../../lab/system/net';
import type { AnnuaireEntry } from '../../../shared/domain/annuaire/entry';
import { MssanteError } from '../../../shared/errors/mssante-error';
import { ELODIE, MARIE, ORG } from '../../../lab/sandbox/people';

/** Entries whose names hold the characters an injection would use, to prove literal matching. */
function tricky(lastName: string, mail: string): AnnuaireEntry {
  return {
    mail,
    mailboxType: 'PER',
    nationalId: `8109999${String(mail.length).padStart(5, '0')}`,
    civility: 'DR',
    lastName,
    firstName: 'Test',
    profession: { code: '10', label: 'Médecin' },
    speciality: { code: 'SM54', label: 'Médecine générale' },
    organisation: '',
    service: '',
    addressLines: ['2 rue des Tests'],
    postalCode: '75012',
    city: 'Paris',
    department: '75',
  };
}

const TRICKY = [
  tricky('ÉTOILE*', 'etoile@liberal.mssante.test'),
  tricky('PAR(EN)THÈSE', 'parenthese@liberal.mssante.test'),
  tricky('BACK\\SLASH', 'backslash@liberal.mssante.test'),
];
const ENTRIES = [...generateEntries(400), ...TRICKY];
const MARIE_ENTRY = ENTRIES.find((e) => e.mail === MARIE.mailbox)!;

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof MssanteError, String(error));
    assert.equal(error.code, code);
    return true;
  });
}

/** What a literal (prefix, case-insensitive) match over the generated entries gives. */
function oracle(test: (e: AnnuaireEntry) => boolean): string[] {
  return ENTRIES.filter(test)
    .map((e) => e.mail)
    .sort();
}
const mails = (entries: AnnuaireEntry[]) => entries.map((e) => e.mail).sort();
const starts = (value: string, prefix: string) =>
  value.toLowerCase().startsWith(prefix.toLowerCase());

describe('sandbox Annuaire on slapd, and the host LDAP client', function () {
  this.timeout(120_000);
  let dir: string;
  let slapd: Started<SlapdInfo>;
  let annuaire: AnnuaireLdapClient;

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'mssante-annuaire-'));
    slapd = await startSlapd({ dir, port: await freePort(), entries: ENTRIES });
    annuaire = new AnnuaireLdapClient({ url: slapd.info.url, base: slapd.info.base });
  });
  after(async () => {
    await annuaire?.close();
    await slapd?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('the directory (issue 5)', () => {
    it('ldapts finds an entry of the sandbox under ou=bal,o=mssante,c=fr', async () => {
      const client = new Client({ url: slapd.info.url });
      try {
        const { searchEntries } = await client.search(slapd.info.base, {
          scope: 'sub',
          filter: '(mail=marie.martin@sandbox.mssante.test)',
        });
        assert.equal(searchEntries.length, 1);
        const [entry] = searchEntries;
        assert.equal(entry!.dn, 'mail=marie.martin@sandbox.mssante.test,ou=bal,o=mssante,c=fr');
        assert.equal(entry!.sn, 'MARTIN');
        assert.equal(entry!.givenName, 'Marie');
        assert.equal(entry!.mssanteTypeBAL, 'PER');
        assert.equal(entry!.mssanteIdNat, MARIE.nationalId);
        assert.equal(entry!.o, 'Hôpital Bac à Sable');
      } finally {
        await client.unbind();
      }
    });

    it('the server itself returns at most 100 entries to an anonymous search', async () => {
      const client = new Client({ url: slapd.info.url });
      try {
        await assert.rejects(
          client.search(slapd.info.base, { scope: 'sub', filter: '(mssanteTypeBAL=PER)' }),
          SizeLimitExceededError,
        );
      } finally {
        await client.unbind();
      }
    });

    it('is read-only: an anonymous write is refused', async () => {
      const client = new Client({ url: slapd.info.url });
      try {
        await assert.rejects(
          client.add(`mail=intrus@sandbox.mssante.test,${slapd.info.base}`, {
            objectClass: ['inetOrgPerson'],
            cn: 'Intrus',
            sn: 'INTRUS',
          }),
        );
      } finally {
        await client.unbind();
      }
    });
  });

  describe('AnnuaireLdapClient', () => {
    it('ECO.3.1.4 returns entries as AnnuaireEntry, as they were loaded', async () => {
      const result = await annuaire.search({ nationalId: MARIE.nationalId });
      assert.equal(result.truncated, false);
      assert.deepEqual(result.entries, [MARIE_ENTRY]);
      const org = await annuaire.search({ mailboxType: 'org', organisation: 'Hôpital Bac' });
      assert.deepEqual(mails(org.entries), [ORG.address]);
    });

    it('ECO.3.1.4 multi-criteria: every criterion must match, as a literal prefix filter would', async () => {
      const cases: Array<[AnnuaireCriteria, (e: AnnuaireEntry) => boolean]> = [
        [
          { name: 'MARTIN', profession: '10' },
          (e) => starts(e.lastName, 'MARTIN') && e.profession.code === '10',
        ],
        [
          { profession: '60', city: 'Lyon' },
          (e) => e.profession.code === '60' && starts(e.city, 'Lyon'),
        ],
        [
          { profession: 'Médecin', speciality: 'SM54', postalCode: '75' },
          (e) =>
            starts(e.profession.label, 'Médecin') &&
            e.speciality.code === 'SM54' &&
            starts(e.postalCode, '75'),
        ],
        [
          { firstName: 'anaïs', mailboxType: 'PER' },
          (e) => starts(e.firstName, 'anaïs') && e.mailboxType === 'PER',
        ],
        [
          { speciality: 'Pédiatrie', city: 'Paris' },
          (e) => starts(e.speciality.label, 'Pédiatrie') && starts(e.city, 'Paris'),
        ],
        [{ mailboxType: 'APP' }, (e) => e.mailboxType === 'APP'],
      ];
      for (const [criteria, test] of cases) {
        const expected = oracle(test);
        assert.ok(expected.length > 0 && expected.length < MAX_RESULTS, JSON.stringify(criteria));
        const result = await annuaire.search(criteria);
        assert.deepEqual(mails(result.entries), expected, JSON.stringify(criteria));
        assert.equal(result.truncated, false);
      }
    });

    it('ECO.3.1.4 autocomplete: each word starts the last name, first name, mail or organisation', async () => {
      const result = await annuaire.autocomplete('mar mart');
      const expected = oracle((e) =>
        ['mar', 'mart'].every((w) =>
          [e.lastName, e.firstName, e.mail, e.organisation].some((v) => starts(v, w)),
        ),
      );
      assert.ok(expected.includes(MARIE_ENTRY.mail));
      assert.deepEqual(mails(result.entries), expected);
      const elodie = await annuaire.autocomplete('LEFÈVRE');
      assert.deepEqual(mails(elodie.entries), [ELODIE.mailbox]);
    });

    it('ECO.3.1.4 stops at 100 entries and says there are more (truncated)', async () => {
      assert.ok(oracle((e) => e.mailboxType === 'PER').length > MAX_RESULTS);
      const result = await annuaire.search({ mailboxType: 'PER' });
      assert.equal(result.entries.length, MAX_RESULTS);
      assert.equal(result.truncated, true);
      assert.equal(new Set(mails(result.entries)).size, MAX_RESULTS);
    });

    it('ECO.3.1.4 escapes filter metacharacters: injection inputs match only literally', async () => {
      const literal: Array<[string, string[]]> = [
        ['*', []],
        ['ÉTOILE*', ['etoile@liberal.mssante.test']],
        [')(', []],
        ['PAR(EN)', ['parenthese@liberal.mssante.test']],
        ['\\', []],
        ['BACK\\', ['backslash@liberal.mssante.test']],
        ['BACK\\5c', []],
        ['MARTIN\u0000', []],
        ['(|(mail=*))', []],
        ['*)(mssanteTypeBAL=*', []],
        ['MARTIN)(|(sn=*', []],
        ['\u0000', []],
      ];
      for (const [input, expected] of literal) {
        const byName = await annuaire.search({ name: input });
        assert.deepEqual(mails(byName.entries), expected, `name ${JSON.stringify(input)}`);
        const typed = await annuaire.autocomplete(input);
        assert.deepEqual(mails(typed.entries), expected, `autocomplete ${JSON.stringify(input)}`);
      }
      // Unicode is matched as itself (accents are not wildcards, nor folded away).
      assert.deepEqual(mails((await annuaire.search({ name: 'LEFÈVRE' })).entries), [
        ELODIE.mailbox,
      ]);
      assert.deepEqual((await annuaire.search({ name: 'LEFEVRE' })).entries, []);
      const mixed = await annuaire.search({ firstName: '*', name: 'MARTIN' });
      assert.deepEqual(mixed.entries, []);
    });

    it('ECO.3.1.4 refuses an empty search and an unknown mailbox type before asking the server', async () => {
      await rejectsWith(annuaire.search({}), 'E_ANNUAIRE_NO_CRITERIA');
      await rejectsWith(annuaire.search({ name: '   ' }), 'E_ANNUAIRE_NO_CRITERIA');
      await rejectsWith(annuaire.autocomplete(''), 'E_ANNUAIRE_NO_CRITERIA');
      await rejectsWith(
        annuaire.search({ mailboxType: 'PER)(x=*' }),
        'E_ANNUAIRE_CRITERIA_INVALID',
      );
    });
  });

  describe('mssante annuaire search', () => {
    async function cli(args: string[]) {
      const out: string[] = [];
      const err: string[] = [];
      const code = await annuaireCli.run(args, {
        stdout: (s) => out.push(s),
        stderr: (s) => err.push(s),
        locale: 'fr',
      });
      return { code, out: out.join(''), err: err.join('') };
    }

    it('ECO.3.1.4 searches by criteria and prints JSON entries', async () => {
      const url = slapd.info.url;
      const run = await cli([
        'search',
        '--name',
        'MARTIN',
        '--first-name',
        'Marie',
        '--url',
        url,
        '--json',
      ]);
      assert.equal(run.code, 0, run.err);
      const parsed = JSON.parse(run.out) as {
        ok: boolean;
        entries: AnnuaireEntry[];
        truncated: boolean;
      };
      assert.equal(parsed.ok, true);
      assert.ok(parsed.entries.some((e) => e.mail === MARIE_ENTRY.mail));
      assert.equal(parsed.truncated, false);
    });

    it('ECO.3.1.4 autocompletes words and says when the list is cut', async () => {
      const url = slapd.info.url;
      const one = await cli(['search', 'lefèvre', '--url', url]);
      assert.equal(one.code, 0, one.err);
      assert.match(
        one.out,
        /^MME LEFÈVRE Élodie <elodie\.lefevre@sandbox\.mssante\.test> \[PER\] — Infirmier/,
      );
      const many = await cli(['search', '--type', 'PER', '--url', url]);
      assert.equal(many.out.trim().split('\n').length, MAX_RESULTS + 1);
      assert.match(many.out, /précisez la recherche \(100 affichées\)/);
    });

    it('ECO.3.1.4 prints a coded error when the Annuaire cannot be reached', async () => {
      const run = await cli(['search', 'mar', '--url', `ldap://127.0.0.1:${await freePort()}`]);
      assert.equal(run.code, 1);
      assert.match(run.err, /^E_ANNUAIRE_UNREACHABLE: L’Annuaire Santé \(LDAP\) est injoignable/);
    });
  });

  describe('failures', () => {
    let silent: net.Server;
    const sockets: net.Socket[] = [];
    before(async () => {
      silent = net.createServer((socket) => sockets.push(socket));
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    });
    after(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    });

    it('ECO.3.1.4 a server that accepts and never answers ends in E_ANNUAIRE_TIMEOUT', async () => {
      const port = (silent.address() as net.AddressInfo).port;
      // Room for the accept to be seen: a 300 ms limit could fire, on a stalled loaded run, before
      // this process handled the connection (then "the client did connect" failed).
      const client = new AnnuaireLdapClient({ url: `ldap://127.0.0.1:${port}`, timeoutMs: 2_000 });
      await rejectsWith(client.search({ name: 'MARTIN' }), 'E_ANNUAIRE_TIMEOUT');
      assert.ok(sockets.length >= 1, 'the client did connect');
      await client.close();
    });

    it('ECO.3.1.4 a closed port ends in E_ANNUAIRE_UNREACHABLE', async () => {
      const client = new AnnuaireLdapClient({ url: `ldap://127.0.0.1:${await freePort()}` });
      await rejectsWith(client.autocomplete('mar'), 'E_ANNUAIRE_UNREACHABLE');
      await client.close();
    });

    it('ECO.3.1.4 a wrong base is a coded LDAP failure, and the client still works after it', async () => {
      const wrong = new AnnuaireLdapClient({
        url: slapd.info.url,
        base: 'ou=autre,o=mssante,c=fr',
      });
      await rejectsWith(wrong.search({ name: 'MARTIN' }), 'E_ANNUAIRE_LDAP_FAILED');
      await wrong.close();
      const again = await annuaire.search({ name: 'MARTIN', firstName: 'Marie' });
      assert.ok(mails(again.entries).includes(MARIE_ENTRY.mail));
    });

    it('ECO.3.1.4 only ldap:// and ldaps:// URLs are accepted', () => {
      assert.throws(
        () => new AnnuaireLdapClient({ url: 'http://127.0.0.1:389' }),
        (e: unknown) => e instanceof MssanteError && e.code === 'E_ANNUAIRE_URL_INVALID',
      );
    });
  });
});
