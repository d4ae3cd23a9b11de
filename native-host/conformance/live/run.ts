import { annuaireCheck } from './annuaire';
import { autoconfigCheck } from './autoconfig';
import { describeTarget, type LiveConfig } from './config';
import { liveContext } from './context';
import { messageCheck } from './message';
import { revocationCheck } from './revocation';
import { tlsCheck } from './tls';
import { type LiveCheck, type LiveContext, type LiveRun, result } from './types';
import { xoauth2Check } from './xoauth2';

/** In this order: the connection rules first, then the PSC sign-in the later checks use. */
export const LIVE_CHECKS: LiveCheck[] = [
  tlsCheck,
  revocationCheck,
  autoconfigCheck,
  xoauth2Check,
  messageCheck,
  annuaireCheck,
];

export interface RunLiveOptions {
  crlDir?: string;
  prompt?: LiveContext['prompt'];
  completeLoginPage?: LiveContext['completeLoginPage'];
  /** Told after each check (the CLI prints progress). */
  onCheck?: (check: LiveCheck, results: LiveRun['results']) => void;
  now?: () => Date;
}

/**
 * Runs every live check against one platform. A check that throws is reported not-run with the
 * reason: one broken check never hides the others' results.
 */
export async function runLive(config: LiveConfig, options: RunLiveOptions = {}): Promise<LiveRun> {
  const context = liveContext(config, {
    ...(options.crlDir ? { crlDir: options.crlDir } : {}),
    ...(options.prompt ? { prompt: options.prompt } : {}),
    ...(options.completeLoginPage ? { completeLoginPage: options.completeLoginPage } : {}),
  });
  const date = (options.now ?? (() => new Date()))().toISOString();
  const results: LiveRun['results'] = [];
  try {
    for (const check of LIVE_CHECKS) {
      let got: LiveRun['results'];
      try {
        got = await check.run(context);
      } catch (error) {
        const detail = error instanceof Error ? error.message : String(error);
        got = [
          result(
            check.name,
            check.ids,
            'not-run',
            {
              fr: 'Non vérifiable : erreur interne de la vérification.',
              en: 'Could not be checked: internal error of the check.',
            },
            { detail },
          ),
        ];
      }
      results.push(...got);
      options.onCheck?.(check, got);
    }
  } finally {
    context.session?.signOut(); // tokens forgotten, timers stopped
  }
  return { platform: config.platform, date, target: describeTarget(config), results };
}
