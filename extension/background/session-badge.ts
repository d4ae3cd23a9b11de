import type { Result } from '../../shared/protocol/index';

/** A session the user closed (sign-out) is not an end to warn about. */
export function endedByPsc(psc: Result<'psc.status'> | null): boolean {
  return psc?.state === 'ended' && psc.ended?.code !== 'E_PSC_SIGNED_OUT';
}

/** The add-on's icon with its corner in the state's colour and sign (extension/icons/). */
export const SESSION_ICONS = {
  none: '/icons/mssante.svg',
  on: '/icons/mssante-on.svg',
  off: '/icons/mssante-off.svg',
  ended: '/icons/mssante-ended.svg',
  noHost: '/icons/mssante-nohost.svg',
} as const;

/**
 * The toolbar button for the PSC session (issue 10 part 3): its icon (the add-on's, with a green
 * tick, a grey bar, a red cross, or greyed with a red `!`), its badge text and colour, its title.
 */
export function sessionBadge(
  psc: Result<'psc.status'> | null,
  hostConnected: boolean,
): {
  text: string;
  color: string;
  title: 'setupBadgeSignedIn' | 'setupBadgeSignedOut' | 'setupBadgeEnded' | 'setupBadgeNoHost';
  icon: (typeof SESSION_ICONS)[keyof typeof SESSION_ICONS];
} {
  const off = {
    text: 'OFF',
    color: '#57606a',
    title: 'setupBadgeSignedOut',
    icon: SESSION_ICONS.off,
  } as const;
  if (!hostConnected)
    return { text: '!', color: '#cf222e', title: 'setupBadgeNoHost', icon: SESSION_ICONS.noHost };
  if (!psc?.configured) return { ...off, text: '', icon: SESSION_ICONS.none };
  switch (psc.state) {
    case 'signed-in':
      return { text: 'ON', color: '#1a7f37', title: 'setupBadgeSignedIn', icon: SESSION_ICONS.on };
    case 'ended':
      return endedByPsc(psc)
        ? { text: 'FIN', color: '#cf222e', title: 'setupBadgeEnded', icon: SESSION_ICONS.ended }
        : off;
    case 'signing-in':
    case 'signed-out':
      return off;
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
