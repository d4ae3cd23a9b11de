/**
 * What the message banner shows (extension/message-display/banner.ts renders it). Built by the
 * background from the displayed message; only plain, already-localised data crosses the port.
 */
export const BANNER_PORT = 'mssante-receive-banner';

export interface BannerPatient {
  readonly address: string;
  readonly birthName?: string;
  readonly firstName?: string;
  /** The INS of the address, when its key is right. */
  readonly ins?: string;
}

export interface BannerDocument {
  readonly index: number;
  readonly type: string;
  /** JJ/MM/AAAA (or partial) of the act. */
  readonly date?: string;
  readonly code?: string;
  readonly level: 'N1' | 'N3';
  /** An action opens a PDF: the message's attachment named after the document, or the N1 one. */
  readonly pdf: 'attachment' | 'embedded' | null;
}

export type BannerXdm =
  | {
      readonly ok: true;
      readonly partName: string;
      readonly name: string;
      readonly patient: {
        readonly birthName?: string;
        readonly firstName?: string;
        readonly birthDate?: string;
        readonly ins?: string;
        readonly qualified: boolean;
      };
      readonly documents: readonly BannerDocument[];
    }
  | {
      readonly ok: false;
      readonly partName: string;
      readonly name: string;
      readonly code: string;
      readonly message: string;
    };

export interface BannerDelivery {
  readonly state: 'failed' | 'delayed' | 'delivered' | 'read';
  /** One sentence per recipient, in the UI language. */
  readonly lines: readonly string[];
  /** True on a received report (DSN/MDN) itself; false on the sent message it is about. */
  readonly isReport: boolean;
}

export interface BannerModel {
  readonly patient?: BannerPatient;
  readonly xdm: readonly BannerXdm[];
  readonly delivery?: BannerDelivery;
  /** The subject without `XDM/1.0/DDM+`, when the stored subject has it. */
  readonly displaySubject?: string;
}

export type BannerRequest =
  | { readonly kind: 'openPdf'; readonly partName: string; readonly index: number }
  | { readonly kind: 'saveArchive'; readonly partName: string };

export type BannerReply =
  | { readonly kind: 'model'; readonly model: BannerModel | null }
  | { readonly kind: 'error'; readonly code: string; readonly message: string };

export function isEmpty(model: BannerModel): boolean {
  return !model.patient && model.xdm.length === 0 && !model.delivery && !model.displaySubject;
}
