import assert from 'node:assert/strict';
import { imapAction } from '../../../../native-host/bridge/imap-actions';
import { AUDIT_ACTIONS } from '../../../../shared/protocol/messages/audit';

describe('IMAP command → journal action (native-host/bridge/imap-actions)', () => {
  it('ECO.4.1.2 names the deletion: STORE +FLAGS (\\Deleted) is `delete`, -FLAGS `undelete`, other flags `store`', () => {
    const cases: [string, string, string][] = [
      ['STORE', ' 4 +FLAGS (\\Deleted)', 'delete'],
      ['STORE', ' 4:7 +FLAGS.SILENT (\\Seen \\Deleted)', 'delete'],
      ['STORE', ' 12 +flags.silent \\deleted', 'delete'],
      ['STORE', ' 4 -FLAGS (\\Deleted)', 'undelete'],
      ['STORE', ' 4 +FLAGS (\\Seen)', 'store'],
      ['STORE', ' 4 FLAGS (\\Seen $label1)', 'store'],
      ['MOVE', ' 3 "Archives"', 'move'],
      ['COPY', ' 3 Trash', 'copy'],
      ['EXPUNGE', '', 'expunge'],
      ['EXPUNGE', ' 3:4', 'expunge'],
      ['CLOSE', '', 'close'],
      ['XLIST', ' "" *', 'xlist'],
    ];
    for (const [verb, args, action] of cases)
      assert.equal(imapAction(verb, args), action, `${verb}${args}`);
    for (const verb of ['NOOP', 'IDLE', 'CAPABILITY', 'ENABLE'])
      assert.equal(imapAction(verb, ''), null);
  });

  it('every action it can name for a known verb is in AUDIT_ACTIONS (the viewer’s filter list)', () => {
    for (const verb of [
      'SELECT',
      'EXAMINE',
      'FETCH',
      'STORE',
      'COPY',
      'MOVE',
      'EXPUNGE',
      'APPEND',
      'CREATE',
      'DELETE',
      'RENAME',
      'SEARCH',
      'LIST',
      'LSUB',
      'STATUS',
      'SUBSCRIBE',
      'UNSUBSCRIBE',
      'LOGOUT',
      'CLOSE',
    ])
      for (const args of ['', ' 1 +FLAGS (\\Deleted)', ' 1 -FLAGS (\\Deleted)'])
        assert.ok(
          (AUDIT_ACTIONS as readonly string[]).includes(imapAction(verb, args)!),
          verb + args,
        );
  });
});
