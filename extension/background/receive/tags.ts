/** The add-on's message tags (messages.tags API): what they mean and how they look. */
export const TAGS = {
  patient: { key: 'mss_patient', color: '#1B7F3B', label: 'receiveTagPatient' },
  delivered: { key: 'mss_delivered', color: '#1F5FA8', label: 'receiveTagDelivered' },
  read: { key: 'mss_read', color: '#5B3FA8', label: 'receiveTagRead' },
  failed: { key: 'mss_failed', color: '#B3261E', label: 'receiveTagFailed' },
  delayed: { key: 'mss_delayed', color: '#A86A00', label: 'receiveTagDelayed' },
} as const;

export type TagName = keyof typeof TAGS;
const STATUS_TAGS: readonly TagName[] = ['delivered', 'read', 'failed', 'delayed'];

/** Creates the tags that are missing (labels in the UI language); keeps the user's colour changes. */
export async function ensureTags(): Promise<void> {
  const existing = new Set((await browser.messages.tags.list()).map((t) => t.key));
  for (const tag of Object.values(TAGS)) {
    if (existing.has(tag.key)) continue;
    await browser.messages.tags.create(tag.key, browser.i18n.getMessage(tag.label), tag.color);
  }
}

/** Adds a tag to a message, keeping its other tags. */
export async function addTag(
  message: browser.messages.MessageHeader,
  name: TagName,
): Promise<void> {
  const key = TAGS[name].key;
  if (message.tags.includes(key)) return;
  await browser.messages.update(message.id, { tags: [...message.tags, key] });
}

/** Sets the one delivery-status tag of a sent message (replacing an older status tag). */
export async function setStatusTag(
  message: browser.messages.MessageHeader,
  name: TagName,
): Promise<void> {
  const statusKeys = new Set<string>(STATUS_TAGS.map((n) => TAGS[n].key));
  if (
    message.tags.includes(TAGS[name].key) &&
    message.tags.filter((t) => statusKeys.has(t)).length === 1
  )
    return;
  const tags = message.tags.filter((t) => !statusKeys.has(t));
  await browser.messages.update(message.id, { tags: [...tags, TAGS[name].key] });
}
