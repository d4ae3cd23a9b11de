// The checks of the receive module that need no WebExtension API (unit-tested in Node).
import { classifySender } from '../../../shared/domain/mail/sender';
import type { ZipSource } from '../../../shared/domain/zip/source';
import type { BannerRequest } from './banner-model';

/** A From the core cannot read (no address) is simply not a patient's. */
export function isPatient(author: string): boolean {
  try {
    return classifySender(author).kind === 'patient';
  } catch {
    return false;
  }
}

/** The message is in one of `accounts` (by its folder's account). */
export function isIn(
  message: { readonly folder?: { readonly accountId?: string | undefined } | undefined },
  accounts: ReadonlySet<string>,
): boolean {
  const accountId = message.folder?.accountId;
  return accountId !== undefined && accounts.has(accountId);
}

/** A request from the banner script, checked (the script runs next to message content). */
export function bannerRequest(raw: unknown): BannerRequest | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const r = raw as Record<string, unknown>;
  if (typeof r.partName !== 'string' || !/^\d+(\.\d+)*$/.test(r.partName)) return null;
  if (r.kind === 'saveArchive') return { kind: 'saveArchive', partName: r.partName };
  if (r.kind === 'openPdf' && Number.isInteger(r.index) && (r.index as number) >= 0)
    return { kind: 'openPdf', partName: r.partName, index: r.index as number };
  return null;
}

/** An attachment that may be an IHE_XDM archive: a ZIP by type or by name. */
export function isXdmCandidate(a: { name?: string; contentType?: string }): boolean {
  const type = (a.contentType ?? '').toLowerCase();
  return (
    /\.zip$/i.test(a.name ?? '') ||
    type === 'application/zip' ||
    type === 'application/x-zip-compressed'
  );
}

/** A ZipSource over a File: the reader pulls the ranges it needs, nothing else is loaded. */
export function fileSource(file: Blob): ZipSource {
  return {
    size: file.size,
    read: async (offset, length) =>
      new Uint8Array(await file.slice(offset, offset + length).arrayBuffer()),
  };
}
