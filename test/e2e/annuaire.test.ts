import assert from 'node:assert/strict';
import path from 'node:path';
import { writeFileSync } from 'node:fs';
import {
  extractionLines,
  generateEntries,
  writeExtraction,
} from '../../lab/sandbox/annuaire/generate';
import type { TestOperator } from '../../lab/sandbox/operator';
import { type ThunderbirdSuite, waitFor } from '../../lab/thunderbird/harness';
import { mailIn } from './lib/operator-flow';
import { e2eWorld } from './lib/world';
import { ELODIE, MARIE, PAUL } from '../../lab/sandbox/people';

/**
 * The Annuaire Santé in the real Thunderbird (ECO.3.1.4): the address book provider feeding the
 * compose window's autocomplete from the sandbox's slapd, the search dialog adding to To / Cc,
 * and the offline import from the dialog answering once slapd is stopped.
 */

type Read = Record<string, { text: string; hidden: boolean; data: Record<string, string> }>;

describe('[e2e] the Annuaire Santé in Thunderbird (slapd, address book provider, dialog)', function () {
  // PSC sign-in on its page, then Marie's mailbox and account (as in mailbox.test.ts).
  const world = e2eWorld({
    name: 'annuaire',
    operator: { annuaire: { entries: 50 } },
    hostConfig: ({ annuaire }) => ({
      annuaire: { source: 'ldap', url: annuaire!.info.url, base: annuaire!.info.base },
    }),
    signIn: 'page',
    mailboxes: ['PER'],
  });
  let operator: TestOperator;
  let suite: ThunderbirdSuite;
  let popup: number;
  let identityId: string;

  const call = <T>(api: string, ...args: unknown[]) => suite.page<T>(popup, 'call', { api, args });

  /**
   * Types into the To field of the most recent compose window as a user would (the
   * autocomplete input's own input event) and returns what its autocomplete proposes.
   */
  const typeInTo = (text: string) =>
    suite.marionette.chrome<string[]>(
      `const win = Services.wm.getMostRecentWindow('msgcompose');
       if (!win) throw new Error('no compose window');
       for (let i = 0; i < 100 && !win.document.getElementById('toAddrInput'); i++)
         await new Promise((r) => setTimeout(r, 100));
       const input = win.document.getElementById('toAddrInput');
       input.focus();
       input.value = args[0];
       input.dispatchEvent(new win.InputEvent('input', { bubbles: true, data: args[0] }));
       for (let i = 0; i < 150; i++) {
         await new Promise((r) => setTimeout(r, 100));
         const c = input.controller;
         // 3: complete without match, 4: complete with matches (nsIAutoCompleteController), and
         // for this text: a status read before the autocomplete timer fired is the last search's.
         if (c.searchString === args[0] && c.searchStatus >= 3) {
           const rows = [];
           for (let j = 0; j < c.matchCount; j++) rows.push(c.getValueAt(j));
           return rows;
         }
       }
       return [];`,
      [text],
    );

  /** Picks the autocomplete row holding `address` (as a click on it would) in the To field. */
  const pickInTo = (address: string) =>
    suite.marionette.chrome<boolean>(
      `const win = Services.wm.getMostRecentWindow('msgcompose');
       const input = win.document.getElementById('toAddrInput');
       const c = input.controller;
       // Under Xvfb the window may not have the focus the popup needs to show by itself.
       win.focus();
       if (!input.popup.popupOpen) input.openPopup();
       for (let i = 0; i < 100 && !(input.popup.popupOpen && c.matchCount > 0); i++)
         await new Promise((r) => setTimeout(r, 100));
       for (let j = 0; j < c.matchCount; j++) {
         if (c.getValueAt(j).includes(args[0])) {
           input.popup.selectedIndex = j;
           c.handleEnter(true);
           return true;
         }
       }
       return false;`,
      [address],
    );

  before(function () {
    ({ operator, suite, popup } = world);
    identityId = world.accounts.PER!.identityId;
  });

  it('[e2e] ECO.3.1.4 typing a name in the To field proposes the Annuaire entry; the message sent to it reaches that mailbox', async function () {
    this.timeout(120_000);
    const books = await call<Array<{ name: string; remote?: boolean }>>('addressBooks.list');
    assert.ok(books.some((b) => b.name === 'Annuaire Santé (MSSanté)'));
    const tab = await call<{ id: number }>('compose.beginNew', {
      identityId,
      subject: 'Avis cardiologique',
      plainTextBody: 'Bonjour, votre avis ?',
      isPlainText: true,
    });
    const proposed = await waitFor('the autocomplete rows', async () => {
      const rows = await typeInTo('duran');
      return rows.length > 0 && rows;
    });
    assert.ok(
      proposed.includes(`Paul DURAND <${PAUL.mailbox}>`),
      `autocomplete proposed: ${proposed.join(' | ')}`,
    );
    assert.equal(await pickInTo(PAUL.mailbox), true);
    const details = await waitFor('the recipient in To', async () => {
      const d = await call<{ to: string[] }>('compose.getComposeDetails', tab.id);
      return d.to.length > 0 && d;
    });
    assert.deepEqual(details.to, [`Paul DURAND <${PAUL.mailbox}>`]);
    await call('compose.sendMessage', tab.id, { mode: 'sendNow' });
    const received = await mailIn(operator, PAUL.mailbox, (m) => m.includes('Avis cardiologique'));
    assert.match(received, new RegExp(`^To: Paul DURAND <${PAUL.mailbox}>`, 'm'));
  });

  it('[e2e] ECO.3.1.4 the search dialog finds entries by criteria and adds one to To and one to Cc of the compose window', async function () {
    this.timeout(120_000);
    const tab = await call<{ id: number }>('compose.beginNew', { identityId, subject: 'Dialog' });
    const dialog = await suite.openPage(`ui/annuaire/annuaire.html?compose=${tab.id}`);
    await waitFor('the directory source', async () => {
      const v = await suite.page<Read>(dialog, 'read', { s: '#source' });
      return v.s!.text.includes(operator.annuaire!.info.url);
    });
    await suite.page(dialog, 'fill', { selector: '[name=profession]', value: 'Médecin' });
    await suite.page(dialog, 'fill', { selector: '[name=name]', value: 'MARTIN' });
    await suite.page(dialog, 'click', '#search');
    const found = await waitFor('the results', async () => {
      const v = await suite.page<Read>(dialog, 'read', {
        row: `tr[data-mail="${MARIE.mailbox}"]`,
        summary: '#summary',
        truncated: '#truncated',
      });
      return v.row && v;
    });
    assert.match(found.row!.text, /MARTIN/);
    assert.match(found.row!.text, /Médecin/);
    assert.equal(found.truncated!.hidden, true);
    await suite.page(dialog, 'click', `tr[data-mail="${MARIE.mailbox}"] button[data-field="to"]`);
    // A second search by another criterion (mailbox type and city), added to Cc.
    await suite.page(dialog, 'fill', { selector: '[name=profession]', value: 'Infirmier' });
    await suite.page(dialog, 'fill', { selector: '[name=name]', value: 'LEF' });
    await suite.page(dialog, 'click', '#search');
    await waitFor('Élodie in the results', async () => {
      const v = await suite.page<Read>(dialog, 'read', {
        row: `tr[data-mail="${ELODIE.mailbox}"]`,
      });
      return v.row;
    });
    await suite.page(dialog, 'click', `tr[data-mail="${ELODIE.mailbox}"] button[data-field="cc"]`);
    const details = await waitFor('the recipients in the compose window', async () => {
      const d = await call<{ to: string[]; cc: string[] }>('compose.getComposeDetails', tab.id);
      return d.to.length > 0 && d.cc.length > 0 && d;
    });
    assert.deepEqual(details.to, [`Marie MARTIN <${MARIE.mailbox}>`]);
    assert.deepEqual(details.cc, [`Élodie LEFÈVRE <${ELODIE.mailbox}>`]);
    const added = await suite.page<Read>(dialog, 'read', { a: '#added' });
    assert.match(added.a!.text, new RegExp(ELODIE.mailbox));
    // Issue 22: a search says it is under way (busy, its words), and one that finds nobody says
    // so instead of showing an empty table.
    await suite.watch(dialog, 'summary', '#summary');
    await suite.page(dialog, 'fill', { selector: '[name=name]', value: 'PERSONNEINCONNUE' });
    await suite.page(dialog, 'click', '#search');
    const none = await waitFor('the empty answer', async () => {
      const v = await suite.page<Read>(dialog, 'read', { s: '#summary', results: '#results' });
      return v.s!.text === 'Aucune entrée ne correspond.' && v;
    });
    assert.equal(none.results!.hidden, true);
    const summaries = await suite.watched(dialog, 'summary');
    assert.ok(
      summaries.some((s) => s.text === 'Recherche…' && s.sign === 'busy' && !s.hidden),
      JSON.stringify(summaries),
    );
    assert.deepEqual(summaries.at(-1), {
      text: 'Aucune entrée ne correspond.',
      hidden: false,
      sign: null,
    });
    // The 100 cap in words: a one-letter prefix over the whole directory.
    await suite.page(dialog, 'fill', { selector: '[name=profession]', value: '' });
    await suite.page(dialog, 'fill', { selector: '[name=name]', value: '' });
    await suite.page(dialog, 'fill', { selector: '[name=mailboxType]', value: 'PER' });
    await suite.page(dialog, 'click', '#search');
    const summary = await waitFor('the summary', async () => {
      const v = await suite.page<Read>(dialog, 'read', { s: '#summary' });
      return /trouvée/.test(v.s!.text) && v.s!.text;
    });
    assert.match(summary, /entrée\(s\) trouvée\(s\)/);
    await suite.page(dialog, 'fill', { selector: '[name=name]', value: 'MARTIN' });
    await suite.page(dialog, 'click', '#search');
    await waitFor('Marie in the results', async () => {
      const v = await suite.page<Read>(dialog, 'read', { row: `tr[data-mail="${MARIE.mailbox}"]` });
      return v.row;
    });
    await suite.saveScreenshot('annuaire.png');
    await suite.closePage(dialog);
    await suite.closeComposeWindows();
  });

  it('[e2e] ECO.3.1.4 offline: the extraction file chosen with the file picker and imported from the dialog (progress shown; the columns a cut file lacks named) answers the autocomplete with slapd stopped', async function () {
    this.timeout(240_000);
    const file = path.join(suite.home, 'Extraction_Correspondance_MSSante_202612010000.txt');
    writeExtraction(generateEntries(20_000), file);
    const dialog = await suite.openPage('ui/annuaire/annuaire.html');
    await waitFor('the dialog', async () => {
      const v = await suite.page<Read>(dialog, 'read', { s: '#offline-info' });
      return v.s!.text.length > 0;
    });
    // "Parcourir…" opens Thunderbird's file picker (experiment mssanteFiles); the test answers it.
    await suite.answerFilePicker(file);
    await suite.page(dialog, 'click', '#import-browse');
    await waitFor('the chosen path in the form', async () => {
      const v = await suite.page<Read>(dialog, 'read', { path: '#import-path' });
      return (v.path as { value?: string }).value === file;
    });
    await suite.page(dialog, 'click', '#import-start');
    const phases = new Set<string>();
    const done = await waitFor(
      'the end of the import',
      async () => {
        const v = await suite.page<Read>(dialog, 'read', {
          box: '#import-progress',
          text: '#import-text',
        });
        if (v.box && !v.box.hidden && v.box.data.phase) phases.add(v.box.data.phase);
        return v.box?.data.phase === 'done' || v.box?.data.phase === 'failed' ? v : null;
      },
      { timeoutMs: 180_000, intervalMs: 100 },
    );
    assert.equal(done.box!.data.phase, 'done', done.text!.text);
    assert.match(done.text!.text, /Import terminé : 20\s000 adresses/);
    assert.ok(phases.has('reading') || phases.has('indexing'), [...phases].join(','));
    const info = await waitFor('the offline index info', async () => {
      const v = await suite.page<Read>(dialog, 'read', { s: '#offline-info' });
      return /20\s000 adresses/.test(v.s!.text) && v.s!.text;
    });
    assert.match(info, /Extraction_Correspondance_MSSante_202612010000\.txt/);
    // The generated file carries the header the ANS serves (2026): no known column is missing.
    const missing = await suite.page<Read>(dialog, 'read', { m: '#offline-missing' });
    assert.equal(missing.m!.hidden, true, missing.m!.text);

    // A file whose header stops before the routing line: imported, and the dialog names the
    // known columns it lacks (searches by postal code or city would find nothing).
    const cut = path.join(suite.home, 'Extraction_Correspondance_MSSante_202612020000.txt');
    writeFileSync(
      cut,
      extractionLines(generateEntries(200))
        .map((l) => l.split('|').slice(0, 27).join('|'))
        .join('\r\n'),
    );
    await suite.page(dialog, 'fill', { selector: '#import-path', value: cut });
    await suite.page(dialog, 'click', '#import-start');
    const second = await waitFor(
      'the end of the import of the cut file',
      async () => {
        const v = await suite.page<Read>(dialog, 'read', {
          box: '#import-progress',
          text: '#import-text',
          m: '#offline-missing',
        });
        return v.box?.data.phase === 'done' && !v.m!.hidden ? v : null;
      },
      { timeoutMs: 60_000, intervalMs: 100 },
    );
    const said =
      'Colonnes attendues absentes du fichier : L6LIGNEACHEMINEMENT, Code postal, Département, Pays.';
    assert.ok(second.text!.text.includes(said), second.text!.text);
    assert.ok(second.m!.text.startsWith(said), second.m!.text);
    await suite.closePage(dialog);

    await operator.annuaire!.stop();
    await call('compose.beginNew', { identityId, subject: 'Hors ligne' });
    const proposed = await waitFor('the autocomplete rows (offline)', async () => {
      const rows = await typeInTo('lefev');
      return rows.length > 0 && rows;
    });
    assert.ok(
      proposed.includes(`Élodie LEFÈVRE <${ELODIE.mailbox}>`),
      `autocomplete proposed: ${proposed.join(' | ')}`,
    );
    await suite.closeComposeWindows();
  });
});
