/**
 * A page that rebuilds part of itself (the compose panel's buttons, at each new view) must not
 * drop a keyboard user's focus onto the document's body: the next Tab would start again from the
 * top. Before the rebuild, `focusMark` notes the focused control by what identifies it (its id,
 * or its tag and data attributes, which the generated buttons carry) and the ids of its
 * ancestors; after it, `restoreFocus` — only when the focus was lost — focuses the same control
 * if it is still there (and the only one the mark names), else the nearest ancestor still shown
 * (made focusable with tabindex="-1"), so the user goes on from where they were.
 */
export interface FocusMark {
  selector: string;
  ancestors: string[];
}

const kebab = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** The focused control inside `root`, or null when the focus is elsewhere. */
export function focusMark(root: HTMLElement): FocusMark | null {
  const el = document.activeElement;
  if (!(el instanceof HTMLElement) || !root.contains(el) || el === root) return null;
  const selector = el.id
    ? `#${CSS.escape(el.id)}`
    : el.localName +
      Object.entries(el.dataset)
        .map(([k, v]) => `[data-${kebab(k)}="${CSS.escape(v ?? '')}"]`)
        .join('');
  const ancestors: string[] = [];
  for (let p = el.parentElement; p && p !== document.body; p = p.parentElement)
    if (p.id) ancestors.push(p.id);
  return { selector, ancestors };
}

const shown = (el: HTMLElement) => !el.closest('[hidden]') && el.textContent?.trim() !== '';

/**
 * Puts the focus back after a rebuild, when it fell to the body. Never throws: a mark that does
 * not make a selector leaves the focus where it is.
 */
export function restoreFocus(mark: FocusMark | null): void {
  try {
    if (mark) putBack(mark);
  } catch {
    // the focus stays on the body: nothing is lost but the place
  }
}

function putBack(mark: FocusMark): void {
  const now = document.activeElement;
  if (now && now !== document.body && now.isConnected) return;
  // The same control only when the mark names one: two alike (another patient's button of the
  // same kind) would put the focus, and the next Enter, on the wrong one.
  const same = document.querySelectorAll<HTMLElement>(mark.selector);
  if (same.length === 1 && !same[0]!.closest('[hidden]')) {
    same[0]!.focus();
    return;
  }
  for (const id of mark.ancestors) {
    const ancestor = document.getElementById(id);
    if (!ancestor || !shown(ancestor)) continue;
    if (ancestor.tabIndex < 0 && !ancestor.hasAttribute('tabindex'))
      ancestor.setAttribute('tabindex', '-1');
    ancestor.focus();
    return;
  }
}
