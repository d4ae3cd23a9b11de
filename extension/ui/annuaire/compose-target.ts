/**
 * Where the dialog's "add to To / Cc" buttons put a recipient: the compose tab it was opened for
 * (`?compose=<tab id>`), else the compose window the user used last, else a new message.
 */
export type Field = 'to' | 'cc';

export function boundComposeTab(search: string): number | undefined {
  const id = Number(new URLSearchParams(search).get('compose'));
  return Number.isInteger(id) && id > 0 ? id : undefined;
}

async function lastComposeTab(): Promise<number | undefined> {
  const windows = await browser.windows.getAll({ populate: true, windowTypes: ['messageCompose'] });
  const focused = windows.find((w) => w.focused) ?? windows.at(-1);
  return focused?.tabs?.[0]?.id;
}

function asList(value: unknown): unknown[] {
  if (value === undefined || value === null || value === '') return [];
  return Array.isArray(value) ? value : [value];
}

/** Adds `recipient` ("Name <address>") to a field of a compose tab; returns the tab used. */
export async function addRecipient(
  recipient: string,
  field: Field,
  bound: number | undefined,
): Promise<number> {
  let tabId = bound;
  if (tabId !== undefined) {
    try {
      await browser.tabs.get(tabId);
    } catch {
      tabId = undefined; // the compose window was closed since
    }
  }
  tabId ??= await lastComposeTab();
  if (tabId === undefined) {
    const tab = await browser.compose.beginNew({ [field]: [recipient] });
    return tab.id!;
  }
  const details = await browser.compose.getComposeDetails(tabId);
  const current = asList(details[field]) as browser.compose.ComposeRecipient[];
  await browser.compose.setComposeDetails(tabId, { [field]: [...current, recipient] });
  return tabId;
}
