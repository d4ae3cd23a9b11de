/**
 * The journal's action type for an IMAP command Thunderbird sends through the bridge (ECO.4.1.2
 * "le type d'action réalisée"): the verb, except for the flag change that deletes — `STORE …
 * +FLAGS (\Deleted)` is journaled as `delete` (ECO.4.1.1 names « suppression »), and taking the
 * flag off as `undelete`. Commands that are not operations on the mailbox are not journaled.
 */

/** Commands that are not operations on the mailbox: not journaled. */
const NOISE: ReadonlySet<string> = new Set([
  'NOOP',
  'IDLE',
  'CHECK',
  'CAPABILITY',
  'ID',
  'NAMESPACE',
  'ENABLE',
]);

const ACTIONS: Readonly<Record<string, string>> = {
  SELECT: 'select',
  EXAMINE: 'select',
  FETCH: 'fetch',
  STORE: 'store',
  COPY: 'copy',
  MOVE: 'move',
  EXPUNGE: 'expunge',
  APPEND: 'append',
  CREATE: 'create-folder',
  DELETE: 'delete-folder',
  RENAME: 'rename-folder',
  SEARCH: 'search',
  LIST: 'list',
  LSUB: 'list',
  STATUS: 'list',
  SUBSCRIBE: 'subscribe',
  UNSUBSCRIBE: 'unsubscribe',
  LOGOUT: 'logout',
  CLOSE: 'close',
};

/** `+FLAGS (\Deleted …)` / `-FLAGS.SILENT \Deleted` in a STORE's arguments. */
const DELETED_FLAG = /(?:^|\s)([+-])FLAGS(?:\.SILENT)?\s+\(?[^)]*\\Deleted\b/i;

/**
 * The action of a command, given its verb (upper case) and the rest of the line after it; null
 * for a command not journaled.
 */
export function imapAction(verb: string, args: string): string | null {
  if (NOISE.has(verb)) return null;
  if (verb === 'STORE') {
    const m = DELETED_FLAG.exec(args);
    if (m) return m[1] === '+' ? 'delete' : 'undelete';
  }
  return ACTIONS[verb] ?? verb.toLowerCase();
}
