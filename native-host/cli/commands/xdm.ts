import { mkdir, rename, rm } from 'node:fs/promises';
import { closeSync, createWriteStream, fstatSync, openSync, readSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { errorMessage } from '../../../shared/errors/codes';
import { MssanteError, toMssanteError } from '../../../shared/errors/mssante-error';
import { toIsoPartial } from '../../../shared/domain/cda/dates';
import { type XdmInspection, openXdm, streamEmbeddedPdf } from '../../../shared/domain/xdm/reader';
import type { ZipSource } from '../../../shared/domain/zip/source';
import type { CliCommand, CliIo } from '../command';

const USAGE = `usage:
  mssante xdm inspect FILE [--json]        subject, X-MSS-* headers, patient and documents of an IHE_XDM archive
  mssante xdm extract-pdf FILE --out DIR   write the PDFs embedded in its level 1 CDA documents, named per ECO.2.1.6`;

/**
 * A ZIP source over a file descriptor: only the bytes the reader asks for are read. Reads are
 * synchronous on purpose: the reader makes many small reads (local headers, first KiB of each
 * CDA) and a thread-pool round trip per read would cost more than the reads themselves.
 */
function fileSource(file: string): { source: ZipSource; close: () => void } {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new Error('not a regular file');
    const descriptor = fd;
    return {
      source: {
        size: stat.size,
        read(offset, length) {
          const buffer = new Uint8Array(length);
          let done = 0;
          while (done < length) {
            const n = readSync(descriptor, buffer, done, length - done, offset + done);
            if (n === 0) return Promise.reject(new MssanteError('E_ZIP_TRUNCATED'));
            done += n;
          }
          return Promise.resolve(buffer);
        },
      },
      close: () => closeSync(descriptor),
    };
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    throw new MssanteError('E_FILE_UNREADABLE', { detail: path.basename(file), cause: error });
  }
}

/** The stable JSON of `mssante xdm inspect --json` (documented in docs/domain.md). */
export function inspectionJson(r: XdmInspection): Record<string, unknown> {
  return {
    ok: true,
    subject: r.subject ?? null,
    headers: r.headers,
    patient: {
      ins: r.patient.ins ?? null,
      oid: r.patient.oid ?? null,
      birthName: r.patient.birthName ?? null,
      firstName: r.patient.firstName ?? null,
      birthDate: r.patient.birthDate ? toIsoPartial(r.patient.birthDate) : null,
      sex: r.patient.sex ?? null,
      qualified: r.patient.qualified,
    },
    documents: r.documents.map((d) => ({
      code: d.code ?? null,
      displayName: d.displayName ?? null,
      serviceStart: d.serviceStart ? toIsoPartial(d.serviceStart) : null,
      pdfName: d.pdfName ?? null,
      level: d.level,
      path: d.entryName,
    })),
  };
}

function summary(r: XdmInspection, locale: 'fr' | 'en'): string {
  const fr = locale === 'fr';
  const p = r.patient;
  const lines = [
    `${fr ? 'Objet' : 'Subject'}: ${r.subject ?? (fr ? '(nom ou prénom absent)' : '(name or first name missing)')}`,
    `X-MSS-CODECDA: ${r.headers['X-MSS-CODECDA']}`,
    `X-MSS-INS: ${r.headers['X-MSS-INS']}`,
    `${fr ? 'Patient' : 'Patient'}: ${[p.birthName, p.firstName].filter(Boolean).join(' ') || '?'}` +
      `${p.birthDate ? `, ${fr ? 'né(e) le' : 'born'} ${toIsoPartial(p.birthDate)}` : ''}${p.sex ? `, ${p.sex}` : ''}`,
    `INS: ${p.ins ? `${p.ins} (${p.oid})` : fr ? 'absent' : 'none'} — ${p.qualified ? (fr ? 'qualifiée' : 'qualified') : fr ? 'non qualifiée' : 'not qualified'}`,
    `${r.documents.length} document${r.documents.length > 1 ? 's' : ''}:`,
    ...r.documents.map(
      (d, i) =>
        `  ${i + 1}. [${d.level}] ${d.code ?? '?'} ${d.displayName ?? ''} → ${d.pdfName ?? '-'}`,
    ),
  ];
  return lines.join('\n') + '\n';
}

function fail(error: unknown, io: CliIo, json: boolean): number {
  const e = toMssanteError(error);
  const wire = e.toWire(io.locale);
  if (json) io.stdout(JSON.stringify({ ok: false, error: wire }) + '\n');
  else io.stderr(`${wire.code}: ${wire.message}\n`);
  return 1;
}

async function inspect(file: string, io: CliIo, json: boolean): Promise<number> {
  let opened: ReturnType<typeof fileSource> | undefined;
  try {
    opened = fileSource(file);
    const { inspection } = await openXdm(opened.source);
    io.stdout(
      json ? JSON.stringify(inspectionJson(inspection)) + '\n' : summary(inspection, io.locale),
    );
    return 0;
  } catch (error) {
    return fail(error, io, json);
  } finally {
    opened?.close();
  }
}

async function extractPdf(file: string, out: string, io: CliIo, json: boolean): Promise<number> {
  let opened: ReturnType<typeof fileSource> | undefined;
  const written: string[] = [];
  try {
    opened = fileSource(file);
    const xdm = await openXdm(opened.source);
    await mkdir(out, { recursive: true });
    const taken = new Set<string>();
    for (const doc of xdm.inspection.documents) {
      if (doc.level !== 'N1') continue;
      if (!doc.pdfName) throw new MssanteError('E_PDF_NAME_INVALID', { detail: doc.entryName });
      // Two documents of one type and date get one name: the second gets a file number _2.
      let name = doc.pdfName;
      for (let n = 2; taken.has(name); n++) name = doc.pdfName.replace(/\.pdf$/, `_${n}.pdf`);
      taken.add(name);
      const target = path.join(out, name);
      const partial = `${target}.part`;
      try {
        const stream = createWriteStream(partial, { flags: 'wx' });
        const closed = new Promise<void>((resolve, reject) => {
          stream.on('close', resolve);
          stream.on('error', reject);
        });
        try {
          for await (const chunk of streamEmbeddedPdf(xdm, doc)) {
            if (!stream.write(chunk))
              await new Promise<void>((r) => stream.once('drain', () => r()));
          }
        } finally {
          stream.end();
          await closed;
        }
        await rename(partial, target);
      } catch (error) {
        await rm(partial, { force: true });
        throw error;
      }
      written.push(target);
    }
    if (json) io.stdout(JSON.stringify({ ok: true, written }) + '\n');
    else
      io.stdout(
        written.length
          ? written.join('\n') + '\n'
          : io.locale === 'fr'
            ? 'Aucun document de niveau 1 (PDF encapsulé).\n'
            : 'No level 1 document (embedded PDF).\n',
      );
    return 0;
  } catch (error) {
    return fail(error, io, json);
  } finally {
    opened?.close();
  }
}

export const command: CliCommand = {
  name: 'xdm',
  summary: 'inspect an IHE_XDM archive, extract its PDFs',
  async run(args, io) {
    let parsed;
    try {
      parsed = parseArgs({
        args,
        allowPositionals: true,
        options: { json: { type: 'boolean' }, out: { type: 'string' } },
      });
    } catch {
      io.stderr(`${errorMessage('E_CLI_USAGE', io.locale)}\n${USAGE}\n`);
      return 2;
    }
    const [sub, file, ...extra] = parsed.positionals;
    const json = parsed.values.json === true;
    if (sub === 'inspect' && file && extra.length === 0) return inspect(file, io, json);
    if (sub === 'extract-pdf' && file && extra.length === 0 && parsed.values.out)
      return extractPdf(file, parsed.values.out, io, json);
    io.stderr(USAGE + '\n');
    return 2;
  },
};
