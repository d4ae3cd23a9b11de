import type { Result } from '../../shared/protocol/index';

/** A session the user closed (sign-out) is not an end to warn about. */
export function endedByPsc(psc: Result<'psc.status'> | null): boolean {
  return psc?.state === 'ended' && psc.ended?.code !== 'E_PSC_SIGNED_OUT';
}

/** The toolbar badge for the PSC session (the icon stays the add-on's). */
export function sessionBadge(
  psc: Result<'psc.status'> | null,
  hostConnected: boolean,
): {
  text: string;
  color: string;
  title: 'setupBadgeSignedIn' | 'setupBadgeSignedOut' | 'setupBadgeEnded' | 'setupBadgeNoHost';
} {
  if (!hostConnected) return { text: '!', color: '#cf222e', title: 'setupBadgeNoHost' };
  if (!psc?.configured) return { text: '', color: '#57606a', title: 'setupBadgeSignedOut' };
  switch (psc.state) {
    case 'signed-in':
      return { text: 'ON', color: '#1a7f37', title: 'setupBadgeSignedIn' };
    case 'ended':
      return endedByPsc(psc)
        ? { text: 'FIN', color: '#cf222e', title: 'setupBadgeEnded' }
        : { text: 'OFF', color: '#57606a', title: 'setupBadgeSignedOut' };
    case 'signing-in':
    case 'signed-out':
      return { text: 'OFF', color: '#57606a', title: 'setupBadgeSignedOut' };
  }
}

/**
 * The host's notice that says why the session it just ended is over (the `psc` event with the
 * ended state comes first). Its one notification is session-ux.ts's, with the one-click sign-in;
 * the notice itself only goes to the popup.
 */
export function isSessionEndNotice(psc: Result<'psc.status'> | null, code: string): boolean {
  return psc?.state === 'ended' && psc.ended?.code === code;
}
