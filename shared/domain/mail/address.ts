import { MssanteError } from '../../errors/mssante-error';

/** A deliberately plain addr-spec check: local@domain, no spaces, brackets or line breaks. */
const ADDRESS =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;

export function checkAddress(address: string): string {
  const a = address.trim();
  if (a.length > 254 || !ADDRESS.test(a)) throw new MssanteError('E_ADDRESS_INVALID');
  return a;
}

export interface ParsedMailbox {
  readonly displayName?: string;
  readonly address: string;
}

/** Reads `Display Name <addr>`, `"Display, Name" <addr>` or a bare `addr`. */
export function parseMailbox(value: string): ParsedMailbox {
  const v = value.trim();
  const m = /^(.*?)\s*<([^<>]+)>$/.exec(v);
  if (!m) return { address: checkAddress(v) };
  let name = m[1]!.trim();
  if (name.startsWith('"') && name.endsWith('"') && name.length >= 2)
    name = name.slice(1, -1).replace(/\\(.)/g, '$1');
  return { ...(name ? { displayName: name } : {}), address: checkAddress(m[2]!) };
}
