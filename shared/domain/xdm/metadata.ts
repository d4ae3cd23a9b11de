import { MssanteError } from '../../errors/mssante-error';
import { type WorkMeter, type XmlTag, XDM_MAX_XML_DEPTH, attr, parseXml } from '../xml/safe-xml';

/** ebRIM identification and classification schemes used by XDS (IHE ITI TF-3 §4.2). */
export const XDS_SCHEMES = {
  documentEntryPatientId: 'urn:uuid:58a6f841-87b3-4a3e-92fd-a8ffeff98427',
  documentEntryUniqueId: 'urn:uuid:2e82c1f6-a085-4c72-9da3-8640a32e42ab',
  documentEntryTypeCode: 'urn:uuid:f0306f51-975f-434e-a61c-c59651d33983',
  documentEntryClassCode: 'urn:uuid:41a5887f-8865-4c09-adf7-e362475b143a',
  submissionSetPatientId: 'urn:uuid:6b5aea1a-874d-4603-a4bc-96a0a7b38446',
} as const;

/** An HL7 v2 CX identifier as XDS writes it: `ID^^^&OID&ISO` possibly followed by `^NH`. */
export interface CxId {
  readonly id: string;
  readonly oid?: string;
  readonly typeCode?: string;
}

export function parseCx(value: string): CxId | undefined {
  const parts = value.trim().split('^');
  const id = parts[0]?.trim();
  if (!id) return undefined;
  const authority = (parts[3] ?? '').split('&');
  const oid = authority[1]?.trim();
  const typeCode = parts[4]?.trim();
  return { id, ...(oid ? { oid } : {}), ...(typeCode ? { typeCode } : {}) };
}

/** `sourcePatientInfo` PID fields as written (`PID-5|VIAL^PAUL^^^^^L`). */
export interface SourcePatientInfo {
  readonly pid5?: string;
  readonly pid7?: string;
  readonly pid8?: string;
}

/** One `ExtrinsicObject` (XDSDocumentEntry) of METADATA.XML. */
export interface XdsDocumentEntry {
  readonly id: string;
  readonly uri?: string;
  readonly mimeType?: string;
  readonly title?: string;
  readonly creationTime?: string;
  readonly serviceStartTime?: string;
  readonly typeCode?: string;
  readonly typeCodeDisplayName?: string;
  readonly patientId?: CxId;
  readonly uniqueId?: string;
  readonly sourcePatientInfo: SourcePatientInfo;
}

export interface XdsMetadata {
  readonly documents: readonly XdsDocumentEntry[];
  /** `XDSSubmissionSet.patientId` of each submission set. */
  readonly submissionSetPatientIds: readonly CxId[];
}

interface ObjectDraft {
  id: string;
  kind: 'document' | 'package';
  mimeType?: string;
  title?: string;
  slots: Map<string, string[]>;
}

interface ClassificationDraft {
  scheme: string;
  node?: string;
  display?: string;
}

/**
 * Values indexed by owner then scheme, the first one kept (document order): each lookup costs
 * one step however many objects, identifiers and classifications the file holds.
 */
class ByOwner<T> {
  private readonly map = new Map<string, Map<string, T>>();

  add(owner: string, scheme: string, value: T): void {
    let schemes = this.map.get(owner);
    if (!schemes) this.map.set(owner, (schemes = new Map()));
    if (!schemes.has(scheme)) schemes.set(scheme, value);
  }

  get(owner: string, scheme: string): T | undefined {
    return this.map.get(owner)?.get(scheme);
  }
}

/**
 * Parses an XDS `SubmitObjectsRequest` (ebRIM 3.0) with the safe XML reader. Linear in the size
 * of the file: identifiers and classifications are indexed by the object they describe.
 */
export function parseXdsMetadata(bytes: Uint8Array, meter: WorkMeter = { steps: 0 }): XdsMetadata {
  const objects = new Map<string, ObjectDraft>();
  const order: string[] = [];
  const externalIds = new ByOwner<string>();
  const classifications = new ByOwner<ClassificationDraft>();

  const stack: string[] = [];
  let current: ObjectDraft | undefined;
  let slot: { name: string; values: string[] } | undefined;
  let value: { text: string } | undefined;
  let classification: ClassificationDraft | undefined;
  let sawRoot = false;

  parseXml(
    bytes,
    {
      opentag(tag: XmlTag) {
        const local = tag.local;
        if (stack.length === 0) {
          sawRoot = true;
          if (
            local !== 'SubmitObjectsRequest' &&
            local !== 'ProvideAndRegisterDocumentSetRequest'
          ) {
            throw new MssanteError('E_XDM_METADATA_INVALID', { detail: `root element ${local}` });
          }
        }
        stack.push(local);
        switch (local) {
          case 'ExtrinsicObject':
          case 'RegistryPackage': {
            const id = attr(tag, 'id') ?? `#${order.length}`;
            const mimeType = attr(tag, 'mimeType');
            current = {
              id,
              kind: local === 'ExtrinsicObject' ? 'document' : 'package',
              slots: new Map(),
              ...(mimeType ? { mimeType } : {}),
            };
            if (objects.has(id))
              throw new MssanteError('E_XDM_METADATA_INVALID', { detail: `duplicate id ${id}` });
            objects.set(id, current);
            order.push(id);
            return;
          }
          case 'Slot':
            if (current && !classification) slot = { name: attr(tag, 'name') ?? '', values: [] };
            return;
          case 'Value':
            if (slot) value = { text: '' };
            return;
          case 'Classification': {
            const owner = attr(tag, 'classifiedObject') ?? current?.id;
            const scheme = attr(tag, 'classificationScheme');
            const node = attr(tag, 'nodeRepresentation');
            if (owner && scheme) {
              classification = { scheme, ...(node ? { node } : {}) };
              classifications.add(owner, scheme, classification);
            }
            return;
          }
          case 'ExternalIdentifier': {
            const owner = attr(tag, 'registryObject') ?? current?.id;
            const scheme = attr(tag, 'identificationScheme');
            const v = attr(tag, 'value');
            if (owner && scheme && v !== undefined) externalIds.add(owner, scheme, v);
            return;
          }
          case 'LocalizedString': {
            const parent = stack[stack.length - 3];
            const text = attr(tag, 'value');
            if (text === undefined || stack[stack.length - 2] !== 'Name') return;
            if (parent === 'Classification' && classification) classification.display = text.trim();
            else if ((parent === 'ExtrinsicObject' || parent === 'RegistryPackage') && current)
              current.title = text.trim();
            return;
          }
          default:
            return;
        }
      },
      text(text: string) {
        if (value) value.text += text;
      },
      closetag(tag: XmlTag) {
        stack.pop();
        switch (tag.local) {
          case 'Value':
            if (slot && value) slot.values.push(value.text.trim());
            value = undefined;
            return;
          case 'Slot':
            if (current && slot) current.slots.set(slot.name, slot.values);
            slot = undefined;
            return;
          case 'Classification':
            classification = undefined;
            return;
          case 'ExtrinsicObject':
          case 'RegistryPackage':
            current = undefined;
            return;
          default:
            return;
        }
      },
    },
    { meter, maxDepth: XDM_MAX_XML_DEPTH },
  );
  if (!sawRoot) throw new MssanteError('E_XDM_METADATA_INVALID');
  return assemble(
    order.map((id) => objects.get(id)!),
    externalIds,
    classifications,
    meter,
  );
}

/** The documents and the submission set's patient ids, in document order. */
function assemble(
  objects: ObjectDraft[],
  externalIds: ByOwner<string>,
  classifications: ByOwner<ClassificationDraft>,
  meter: WorkMeter,
): XdsMetadata {
  const documents: XdsDocumentEntry[] = [];
  const submissionSetPatientIds: CxId[] = [];
  for (const o of objects) {
    meter.steps += 1;
    if (o.kind === 'package') {
      const pid = externalIds.get(o.id, XDS_SCHEMES.submissionSetPatientId);
      const cx = pid === undefined ? undefined : parseCx(pid);
      if (cx) submissionSetPatientIds.push(cx);
    } else documents.push(documentEntry(o, externalIds, classifications));
  }
  return { documents, submissionSetPatientIds };
}

/** One XDSDocumentEntry from its object, identifiers and classifications (one lookup each). */
function documentEntry(
  o: ObjectDraft,
  externalIds: ByOwner<string>,
  classifications: ByOwner<ClassificationDraft>,
): XdsDocumentEntry {
  const id = o.id;
  const first = (name: string) => o.slots.get(name)?.[0] || undefined;
  const ext = (scheme: string) => externalIds.get(id, scheme);
  const type = classifications.get(id, XDS_SCHEMES.documentEntryTypeCode);
  const pid = ext(XDS_SCHEMES.documentEntryPatientId);
  const patientId = pid === undefined ? undefined : parseCx(pid);
  const info: Record<string, string> = {};
  for (const v of o.slots.get('sourcePatientInfo') ?? []) {
    const m = /^(PID-[578])\|(.*)$/.exec(v);
    if (m && info[m[1]!] === undefined) info[m[1]!] = m[2]!;
  }
  const uniqueId = ext(XDS_SCHEMES.documentEntryUniqueId);
  const uri = first('URI');
  const creationTime = first('creationTime');
  const serviceStartTime = first('serviceStartTime');
  return {
    id,
    ...(uri ? { uri } : {}),
    ...(o.mimeType ? { mimeType: o.mimeType } : {}),
    ...(o.title ? { title: o.title } : {}),
    ...(creationTime ? { creationTime } : {}),
    ...(serviceStartTime ? { serviceStartTime } : {}),
    ...(type?.node ? { typeCode: type.node } : {}),
    ...(type?.display ? { typeCodeDisplayName: type.display } : {}),
    ...(patientId ? { patientId } : {}),
    ...(uniqueId ? { uniqueId } : {}),
    sourcePatientInfo: {
      ...(info['PID-5'] ? { pid5: info['PID-5'] } : {}),
      ...(info['PID-7'] ? { pid7: info['PID-7'] } : {}),
      ...(info['PID-8'] ? { pid8: info['PID-8'] } : {}),
    },
  };
}
