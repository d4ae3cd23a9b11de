import { addressOfKnown } from '../../../shared/domain/mail/compose-patients';
import type { ComposeIdentity } from '../../../shared/domain/mail/compose';
import { checkFromLabel, suggestedFromLabel } from '../../../shared/domain/mail/from-label';
import { makePanelEvent, type PanelView } from '../../../shared/protocol/compose-panel/index';
import type { ComposeContext } from './context';
import { planFor } from './plan';
import { problemLine, type ProblemWords } from './problems';
import { patientConflicts } from './settings';

/** The add-on messages in the UI language (French by default) and the matching error sentences. */
export const wordsOf = (ctx: ComposeContext): ProblemWords => ({
  locale: ctx.deps.locale,
  getMessage: (name) => browser.i18n.getMessage(name),
});

/** ECO.2.2.7: the display name the panel offers instead of a wrong one. */
export const fromLabelFix = (ctx: ComposeContext, identity: ComposeIdentity) =>
  suggestedFromLabel(identity, ctx.deps.psc()?.identity);

/** What the compose panel of a tab shows. */
export async function viewOf(ctx: ComposeContext, tabId: number): Promise<PanelView> {
  const details = await browser.compose.getComposeDetails(tabId);
  const planned = await planFor(ctx, tabId, details);
  if (!planned) return { mssante: false, problems: [], patients: [] };
  const { identity, plan, toggles, patients } = planned;
  const labelProblems = checkFromLabel(identity.profile, identity.fullName);
  const fix = labelProblems.length ? fromLabelFix(ctx, identity) : undefined;
  const refused = ctx.tabs.state(tabId).refused;
  const words = wordsOf(ctx);
  const conflicts = (await patientConflicts()).flatMap((c) => {
    const stored = patients.find((p) => p.ins === c.ins);
    return stored ? [{ ins: c.ins, stored, incoming: c.incoming, traits: c.traits }] : [];
  });
  return {
    mssante: true,
    identity: { ...identity, labelProblems, ...(fix ? { labelFix: fix } : {}) },
    plan,
    toggles,
    problems: plan.problems.map((p) => ({
      code: p.code,
      blocking: p.blocking,
      text: problemLine(p, words),
    })),
    patients: patients.map((k) => {
      try {
        return { ...k, address: addressOfKnown(k) };
      } catch {
        return k;
      }
    }),
    ...(conflicts.length ? { conflicts } : {}),
    ...(refused ? { refused } : {}),
  };
}

/** Pushes the tab's view to every panel open on it (nothing when none is). */
export async function refreshPanels(ctx: ComposeContext, tabId: number): Promise<void> {
  const ports = ctx.tabs.panelsOf(tabId);
  if (!ports.size) return;
  const view = await viewOf(ctx, tabId).catch(() => null);
  if (view) for (const port of ports) port.postMessage(makePanelEvent(view));
}
