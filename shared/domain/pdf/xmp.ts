/** What the Info dictionary says; the XMP packet must say the same (ISO 19005-1 §6.7.3). */
export interface PdfInfo {
  readonly title: string;
  readonly author: string;
  readonly subject?: string;
  readonly producer: string;
  readonly creator: string;
  /** Whole seconds, UTC. */
  readonly created: Date;
  readonly language?: string;
  /** XMP `dc:identifier`: the CDA document's identity (`root^extension`), ECO.2.1.5. */
  readonly identifier?: string;
}

const escapeXml = (s: string) =>
  s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    // Characters XML 1.0 does not allow.
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '');

/** `2026-12-02T01:40:57Z` (xmp:CreateDate), the same instant as the Info `D:20261202014057Z`. */
export const xmpDate = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * The XMP metadata packet of a PDF/A-1b file (ISO 19005-1 §6.7): pdfaid:part 1 and
 * conformance B, and the Dublin Core / XMP / PDF properties mirroring the Info dictionary
 * (Title → dc:title, Author → dc:creator, Subject → dc:description, Producer → pdf:Producer,
 * Creator → xmp:CreatorTool, CreationDate/ModDate → xmp:CreateDate/ModifyDate), and
 * dc:identifier, the CDA document's identity, which has no Info entry.
 */
export function pdfaXmp(info: PdfInfo): string {
  const date = xmpDate(info.created);
  const lang = info.language ?? 'x-default';
  return `<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">
   <pdfaid:part>1</pdfaid:part>
   <pdfaid:conformance>B</pdfaid:conformance>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
   <dc:format>application/pdf</dc:format>${
     info.identifier
       ? `
   <dc:identifier>${escapeXml(info.identifier)}</dc:identifier>`
       : ''
   }
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">${escapeXml(info.title)}</rdf:li></rdf:Alt></dc:title>
   <dc:creator><rdf:Seq><rdf:li>${escapeXml(info.author)}</rdf:li></rdf:Seq></dc:creator>${
     info.subject
       ? `
   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">${escapeXml(info.subject)}</rdf:li></rdf:Alt></dc:description>`
       : ''
   }
   <dc:language><rdf:Bag><rdf:li>${escapeXml(lang)}</rdf:li></rdf:Bag></dc:language>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">
   <xmp:CreatorTool>${escapeXml(info.creator)}</xmp:CreatorTool>
   <xmp:CreateDate>${date}</xmp:CreateDate>
   <xmp:ModifyDate>${date}</xmp:ModifyDate>
   <xmp:MetadataDate>${date}</xmp:MetadataDate>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
   <pdf:Producer>${escapeXml(info.producer)}</pdf:Producer>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>`;
}
