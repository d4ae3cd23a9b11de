// Keeps the banner in sight of the user whatever the message's own CSS does (issue 19.10).
// Message content runs no script in Thunderbird: CSS is its only lever. The banner lives in a
// closed shadow root (the message's rules cannot select its content); its host element and the
// document root carry inline `!important` declarations (they win over any rule of the message);
// and after layout the banner is hit-tested: if anything of the message covers or hides it, the
// message's styles are switched off for this display (the stored message is never changed).

/** The host element's name: a custom element name, so `attachShadow` is allowed on it. */
const HOST_TAG = 'mssante-banner';

/** What a style on the element or on an ancestor could do to hide it. */
const UNHIDDEN: Readonly<Record<string, string>> = {
  display: 'block',
  visibility: 'visible',
  opacity: '1',
  transform: 'none',
  filter: 'none',
  'clip-path': 'none',
  mask: 'none',
  'content-visibility': 'visible',
};

const HOST_STYLE: Readonly<Record<string, string>> = {
  all: 'initial',
  ...UNHIDDEN,
  position: 'relative',
  'z-index': '2147483647',
  'pointer-events': 'auto',
  'mix-blend-mode': 'normal',
  float: 'none',
  margin: '0',
  padding: '0',
  width: 'auto',
  height: 'auto',
  'min-height': '0',
  'max-height': 'none',
  overflow: 'visible',
};

function harden(element: HTMLElement, style: Readonly<Record<string, string>>): void {
  for (const [name, value] of Object.entries(style))
    element.style.setProperty(name, value, 'important');
}

/** A fresh host at the top of the document (outside the body), its closed shadow root. */
export function mountHost(): { host: HTMLElement; root: ShadowRoot } {
  for (const old of Array.from(document.getElementsByTagName(HOST_TAG))) old.remove();
  const host = document.createElement(HOST_TAG);
  harden(host, HOST_STYLE);
  harden(document.documentElement, UNHIDDEN); // an ancestor of every element
  const root = host.attachShadow({ mode: 'closed' });
  document.documentElement.insertBefore(host, document.documentElement.firstChild);
  return { host, root };
}

/** The banner is laid out, not hidden, and on top at each point of it inside the viewport. */
function inSight(host: HTMLElement): boolean {
  const r = host.getBoundingClientRect();
  if (r.width < 1 || r.height < 1) return false;
  for (const element of [host, document.documentElement]) {
    const style = getComputedStyle(element);
    if (style.display === 'none' || style.visibility !== 'visible' || Number(style.opacity) < 1)
      return false;
  }
  const xs = [r.left + 2, r.left + r.width / 2, r.right - 2];
  const ys = [r.top + 2, r.top + r.height / 2, r.bottom - 2];
  for (const x of xs)
    for (const y of ys) {
      if (x < 0 || y < 0 || x >= innerWidth || y >= innerHeight) continue;
      // A point in a shadow tree is retargeted to its host: anything else is on top of it.
      if (document.elementFromPoint(x, y) !== host) return false;
    }
  return true;
}

/** Switches off the message's stylesheets and style attributes (Thunderbird's own are kept). */
function dropMessageStyles(host: HTMLElement): void {
  for (const sheet of Array.from(document.styleSheets)) {
    const href = sheet.href ?? '';
    if (!href.startsWith('chrome:') && !href.startsWith('resource:')) sheet.disabled = true;
  }
  for (const element of Array.from(document.querySelectorAll('[style]')))
    if (element !== host && element !== document.documentElement) element.removeAttribute('style');
}

/**
 * Checks the banner now, once the message has loaded, and a moment later (late images and
 * fonts move things): the first time it is out of sight, the message's styles go. The outcome
 * is on the root element for the tests (`data-mssante-guard`: `ok`, `styles-dropped`, `hidden`).
 */
export function guard(host: HTMLElement): void {
  let dropped = false;
  const check = () => {
    if (!host.isConnected) return;
    const data = document.documentElement.dataset;
    if (inSight(host)) {
      data.mssanteGuard = dropped ? 'styles-dropped' : 'ok';
      return;
    }
    dropMessageStyles(host);
    dropped = true;
    data.mssanteGuard = inSight(host) ? 'styles-dropped' : 'hidden';
  };
  requestAnimationFrame(() => requestAnimationFrame(check));
  if (document.readyState !== 'complete') addEventListener('load', check, { once: true });
  setTimeout(check, 1000);
}
