import { MssanteError } from '../../errors/mssante-error';
import { HL7_NS } from '../cda/header';
import { type XmlTag, parseXml, attr } from '../xml/safe-xml';

/** A block of the rendered document, in document order. */
export type NarrativeBlock =
  | { readonly kind: 'heading'; readonly depth: number; readonly text: string }
  | { readonly kind: 'paragraph'; readonly text: string; readonly indent: number }
  | {
      readonly kind: 'item';
      readonly text: string;
      readonly indent: number;
      readonly marker: string;
    }
  | {
      readonly kind: 'table';
      readonly caption?: string;
      readonly rows: ReadonlyArray<{ readonly header: boolean; readonly cells: readonly string[] }>;
    };

/** What the PDF/A copy shows beyond the patient (seed 001 §ECO.2.1.5: header data). */
export interface CdaDocumentText {
  /** `ClinicalDocument/id`: `root` and `extension`. */
  readonly documentId?: { readonly root: string; readonly extension?: string };
  /** Raw `ClinicalDocument/effectiveTime/@value` (date and time of creation). */
  readonly creationTime?: string;
  /** Each `author`: person (prefix, given, family) and organisation, as one line. */
  readonly authors: readonly string[];
  /** `custodian/…/representedCustodianOrganization/name`. */
  readonly custodian?: string;
  /** `legalAuthenticator/assignedEntity/assignedPerson/name`. */
  readonly legalAuthenticator?: string;
  /** Every section's title and narrative (`section/text`), nested sections in order. */
  readonly blocks: readonly NarrativeBlock[];
  /** Characters of narrative text read (limits). */
  readonly narrativeChars: number;
}

export interface NarrativeLimits {
  /** Deepest element nesting accepted (the CDA root is depth 1). */
  readonly maxDepth: number;
  /** Most characters of narrative text accepted. */
  readonly maxChars: number;
  /** Largest CDA document (bytes) accepted. */
  readonly maxBytes: number;
}

export const DEFAULT_NARRATIVE_LIMITS: NarrativeLimits = {
  maxDepth: 128,
  maxChars: 1_000_000,
  maxBytes: 16 * 1024 * 1024,
};

/** Narrative elements that start a new block (CDA R2 NarrativeBlock schema). */
const BLOCK = new Set(['paragraph', 'list', 'item', 'table', 'caption', 'tr']);
/** Table parts that hold no text of their own. */
const CELL = new Set(['td', 'th']);

interface Name {
  prefix: string[];
  given: string[];
  family: string[];
  text: string;
}

const emptyName = (): Name => ({ prefix: [], given: [], family: [], text: '' });
const nameText = (n: Name): string => {
  const parts = [...n.prefix, ...n.given, ...n.family].filter(Boolean);
  return (parts.length > 0 ? parts.join(' ') : n.text).replace(/\s+/g, ' ').trim();
};

const collapse = (s: string) => s.replace(/[ \t\r\n\f]+/g, ' ');

/**
 * Reads a whole CDA R2 level 3 document for its PDF/A copy: header data the seed requires
 * (title, type, date and time of creation, author, custodian) and the narrative of every
 * section, in document order. Parsed with the safe reader: a DOCTYPE (hence any entity) is
 * refused, nothing is expanded. Unknown narrative markup gives its text. Entries (coded data)
 * are not rendered: the narrative block is what the author validated.
 */
export function readCdaNarrative(
  bytes: Uint8Array,
  limits: NarrativeLimits = DEFAULT_NARRATIVE_LIMITS,
): CdaDocumentText {
  if (bytes.length > limits.maxBytes)
    throw new MssanteError('E_PDFA_TOO_LARGE', { detail: `${bytes.length} bytes` });
  const stack: string[] = [];
  const blocks: NarrativeBlock[] = [];
  const authors: string[] = [];
  let documentId: CdaDocumentText['documentId'];
  let creationTime: string | undefined;
  let custodian = '';
  let legal: Name | undefined;
  let author: { person: Name; org: string } | undefined;
  let currentName: Name | undefined;
  let namePart: 'prefix' | 'given' | 'family' | 'text' | undefined;
  let orgTarget: ((t: string) => void) | undefined;
  let structured = false;
  let level: 'N1' | 'N3' | undefined;

  // Sections and narrative.
  let sectionDepth = 0;
  /** Stack index of the `section` whose `title` or `text` is being read. */
  let titleAt = -1;
  let title = '';
  let textAt = -1;
  let chars = 0;
  let buffer = '';
  const lists: { ordered: boolean; count: number }[] = [];
  let itemMarker: string | undefined;
  let table:
    { caption?: string; rows: { header: boolean; cells: string[] }[]; cell?: string } | undefined;
  let inCaption = false;
  let deleted = 0;

  const indent = () => lists.length;
  const flush = () => {
    const text = buffer
      .split('\n')
      .map((l) => l.trim())
      .join('\n')
      .replace(/^\n+|\n+$/g, '');
    buffer = '';
    if (!text) return;
    if (itemMarker !== undefined) {
      blocks.push({ kind: 'item', text, indent: Math.max(0, indent() - 1), marker: itemMarker });
      itemMarker = '';
    } else blocks.push({ kind: 'paragraph', text, indent: indent() });
  };
  const append = (t: string) => {
    if (deleted > 0) return;
    chars += t.length;
    if (chars > limits.maxChars)
      throw new MssanteError('E_PDFA_TOO_LARGE', { detail: `more than ${limits.maxChars} chars` });
    const c = collapse(t);
    if (table && table.cell !== undefined) table.cell += c;
    else if (table && inCaption) table.caption = (table.caption ?? '') + c;
    else buffer += c;
  };
  const newline = () => {
    if (table && table.cell !== undefined) table.cell += '\n';
    else buffer += '\n';
  };

  parseXml(bytes, {
    opentag: (tag: XmlTag) => {
      const name = tag.uri === HL7_NS ? tag.local : `{${tag.uri}}${tag.local}`;
      stack.push(name);
      if (stack.length > limits.maxDepth)
        throw new MssanteError('E_PDFA_TOO_DEEP', { detail: `depth ${stack.length}` });
      const path = stack.join('/');
      if (stack.length === 1 && name !== 'ClinicalDocument')
        throw new MssanteError('E_CDA_INVALID', { detail: 'root is not hl7:ClinicalDocument' });

      if (textAt >= 0) return narrativeOpen(name, tag);
      switch (path) {
        case 'ClinicalDocument/id': {
          const root = attr(tag, 'root');
          const extension = attr(tag, 'extension');
          if (root) documentId = extension ? { root, extension } : { root };
          return;
        }
        case 'ClinicalDocument/effectiveTime':
          creationTime = attr(tag, 'value');
          return;
        case 'ClinicalDocument/author':
          author = { person: emptyName(), org: '' };
          return;
        case 'ClinicalDocument/author/assignedAuthor/assignedPerson/name':
          currentName = author?.person;
          namePart = 'text';
          return;
        case 'ClinicalDocument/legalAuthenticator/assignedEntity/assignedPerson/name':
          currentName = legal = emptyName();
          namePart = 'text';
          return;
        case 'ClinicalDocument/author/assignedAuthor/representedOrganization/name':
          orgTarget = (t) => author && (author.org += t);
          return;
        case 'ClinicalDocument/custodian/assignedCustodian/representedCustodianOrganization/name':
          orgTarget = (t) => (custodian += t);
          return;
        case 'ClinicalDocument/component/structuredBody':
          structured = true;
          level = 'N3';
          return;
        case 'ClinicalDocument/component/nonXMLBody':
          level = 'N1';
          return;
        default:
      }
      if (currentName && ['prefix', 'given', 'family'].includes(name)) {
        namePart = name as 'prefix' | 'given' | 'family';
        currentName[namePart].push('');
        return;
      }
      if (!structured) return;
      const parent = stack[stack.length - 2];
      if (name === 'section') sectionDepth += 1;
      else if (parent === 'section' && name === 'title') {
        titleAt = stack.length - 1;
        title = '';
      } else if (parent === 'section' && name === 'text') {
        textAt = stack.length - 1;
      }
    },
    text: (t) => {
      if (textAt >= 0) return append(t);
      if (titleAt >= 0) {
        chars += t.length;
        if (chars > limits.maxChars)
          throw new MssanteError('E_PDFA_TOO_LARGE', { detail: 'section titles' });
        title += t;
        return;
      }
      if (orgTarget) return orgTarget(t);
      if (currentName && namePart) {
        if (namePart === 'text') currentName.text += t;
        else {
          const parts = currentName[namePart];
          parts[parts.length - 1] += t;
        }
      }
    },
    closetag: () => {
      const at = stack.length - 1;
      const name = stack.pop()!;
      if (textAt >= 0) {
        if (at === textAt) {
          flush();
          textAt = -1;
          lists.length = 0;
          itemMarker = undefined;
          table = undefined;
          deleted = 0;
          return;
        }
        return narrativeClose(name);
      }
      if (at === titleAt) {
        titleAt = -1;
        const text = collapse(title).trim();
        if (text) blocks.push({ kind: 'heading', depth: Math.max(1, sectionDepth), text });
        return;
      }
      if (name === 'section' && structured) sectionDepth -= 1;
      if (name === 'name' && currentName) {
        currentName = undefined;
        namePart = undefined;
      } else if (currentName && namePart && namePart !== 'text') namePart = 'text';
      if (name === 'name' || name === 'representedOrganization') orgTarget = undefined;
      if (stack.length === 1 && name === 'author' && author) {
        const person = nameText(author.person);
        const org = collapse(author.org).trim();
        const line = [person, org].filter(Boolean).join(', ');
        if (line) authors.push(line);
        author = undefined;
      }
      if (stack.length === 2 && name === 'structuredBody') structured = false;
    },
  });

  function narrativeOpen(name: string, tag: XmlTag): void {
    if (deleted > 0 || (name === 'content' && attr(tag, 'revised') === 'delete')) {
      deleted += 1;
      return;
    }
    if (name === 'br') return newline();
    if (table && table.cell !== undefined) {
      // Inside a cell, blocks only start a new line.
      if (BLOCK.has(name) || CELL.has(name)) newline();
      return;
    }
    if (!BLOCK.has(name) && !CELL.has(name)) return;
    if (table) {
      if (name === 'tr') table.rows.push({ header: false, cells: [] });
      else if (CELL.has(name)) {
        if (table.rows.length === 0) table.rows.push({ header: false, cells: [] });
        const row = table.rows[table.rows.length - 1]!;
        if (name === 'th' && row.cells.length === 0) row.header = true;
        if (name === 'td') row.header = false;
        table.cell = '';
      } else if (name === 'caption') inCaption = true;
      return;
    }
    flush();
    switch (name) {
      case 'list':
        lists.push({ ordered: attr(tag, 'listType') === 'ordered', count: 0 });
        itemMarker = undefined;
        return;
      case 'item': {
        const list = lists[lists.length - 1];
        if (list) list.count += 1;
        itemMarker = list?.ordered ? `${list.count}.` : '•';
        return;
      }
      case 'table':
        table = { rows: [] };
        return;
      default:
    }
  }

  function narrativeClose(name: string): void {
    if (deleted > 0) {
      deleted -= 1;
      return;
    }
    if (table) {
      if (CELL.has(name) && table.cell !== undefined) {
        const row = table.rows[table.rows.length - 1]!;
        row.cells.push(
          table.cell
            .split('\n')
            .map((l) => l.trim())
            .join('\n')
            .trim(),
        );
        delete table.cell;
      } else if (name === 'caption') inCaption = false;
      else if (name === 'table' && table.cell === undefined) {
        const rows = table.rows.filter((r) => r.cells.length > 0);
        const caption = table.caption ? collapse(table.caption).trim() : '';
        if (rows.length > 0 || caption)
          blocks.push({ kind: 'table', ...(caption ? { caption } : {}), rows });
        table = undefined;
      }
      return;
    }
    if (name === 'paragraph' || name === 'caption') flush();
    else if (name === 'item') {
      flush();
      itemMarker = undefined;
    } else if (name === 'list') {
      flush();
      lists.pop();
      itemMarker = lists.length > 0 ? '' : undefined;
    }
  }

  if (level === undefined) throw new MssanteError('E_CDA_INVALID', { detail: 'no body' });
  if (level !== 'N3') throw new MssanteError('E_PDFA_NOT_N3');
  const legalText = legal ? nameText(legal) : '';
  const custodianText = collapse(custodian).trim();
  return {
    ...(documentId ? { documentId } : {}),
    ...(creationTime ? { creationTime } : {}),
    authors,
    ...(custodianText ? { custodian: custodianText } : {}),
    ...(legalText ? { legalAuthenticator: legalText } : {}),
    blocks,
    narrativeChars: chars,
  };
}
