/** Every message of a paginated MessageList (messages.query / messages.list / continueList). */
export async function* allMessages(
  first: Promise<browser.messages.MessageList | string>,
): AsyncGenerator<browser.messages.MessageHeader> {
  let page = await first;
  for (;;) {
    if (typeof page === 'string') page = await browser.messages.continueList(page);
    for (const m of page.messages) yield m;
    if (!page.id) return;
    page = await browser.messages.continueList(page.id);
  }
}
