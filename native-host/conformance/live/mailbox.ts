import type { BridgeMailbox } from '../../bridge/mailbox';
import type { PscSession } from '../../psc/session';
import type { LiveContext } from './types';

/** The lab's mailbox as the bridge sees it, logging in with the live check's PSC session. */
export function liveMailbox(context: LiveContext, session: PscSession): BridgeMailbox {
  const { config } = context;
  return {
    address: config.mailbox.address,
    profile: config.mailbox.profile,
    imap: config.imap,
    smtp: config.smtp,
    ...(context.lookup ? { lookup: context.lookup } : {}),
    secret: 'unused: no local client in a live check',
    credentials: { kind: 'psc', session: () => session },
  };
}
