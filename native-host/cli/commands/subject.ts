import { parseArgs } from 'node:util';
import { errorMessage } from '../../../shared/errors/codes';
import { MssanteError, toMssanteError } from '../../../shared/errors/mssante-error';
import {
  type PartialDate,
  parseFrenchDate,
  parseHl7Date,
  toIsoPartial,
} from '../../../shared/domain/cda/dates';
import {
  type SubjectDocument,
  composeSubject,
  displaySubject,
  parseSubject,
} from '../../../shared/domain/mail/subject';
import type { CliCommand } from '../command';

const USAGE = `usage:
  mssante subject compose --doc "CODE|Display name" [--doc …] --name NOM --first PRENOM [--birth-date JJ/MM/AAAA|AAAAMMJJ] [--json]
  mssante subject parse "XDM/1.0/DDM+…" [--name NOM --first PRENOM] [--json]
  mssante subject display "XDM/1.0/DDM+…"    the subject without its prefix (ECO.3.1.3)`;

function birthDate(value: string | undefined): PartialDate | undefined {
  if (value === undefined) return undefined;
  const date = parseFrenchDate(value) ?? parseHl7Date(value);
  if (!date)
    throw new MssanteError('E_SUBJECT_INVALID', { detail: 'birth date: JJ/MM/AAAA or AAAAMMJJ' });
  return date;
}

function documents(values: string[]): SubjectDocument[] {
  return values.map((v) => {
    const bar = v.indexOf('|');
    return bar < 0 ? { displayName: v } : { code: v.slice(0, bar), displayName: v.slice(bar + 1) };
  });
}

export const command: CliCommand = {
  name: 'subject',
  summary: 'compose or parse an MSSanté XDM subject (ECO.2.1.3)',
  async run(args, io) {
    let parsed;
    try {
      parsed = parseArgs({
        args,
        allowPositionals: true,
        options: {
          doc: { type: 'string', multiple: true },
          name: { type: 'string' },
          first: { type: 'string' },
          'birth-date': { type: 'string' },
          json: { type: 'boolean' },
        },
      });
    } catch {
      io.stderr(`${errorMessage('E_CLI_USAGE', io.locale)}\n${USAGE}\n`);
      return 2;
    }
    const { values } = parsed;
    const [sub, ...rest] = parsed.positionals;
    const json = values.json === true;
    try {
      if (sub === 'compose' && rest.length === 0 && values.doc && values.name && values.first) {
        const date = birthDate(values['birth-date']);
        const subject = composeSubject({
          documents: documents(values.doc),
          birthName: values.name,
          firstName: values.first,
          ...(date ? { birthDate: date } : {}),
        });
        io.stdout(json ? JSON.stringify({ ok: true, subject }) + '\n' : subject + '\n');
        return 0;
      }
      if (sub === 'parse' && rest.length === 1) {
        const expect =
          values.name && values.first
            ? { birthName: values.name, firstName: values.first }
            : undefined;
        const p = parseSubject(rest[0]!, expect);
        const out = {
          ok: true,
          label: p.label,
          birthName: p.birthName,
          firstName: p.firstName,
          birthDate: p.birthDate ? toIsoPartial(p.birthDate) : null,
          documentCount: p.documentCount ?? null,
        };
        io.stdout(
          json
            ? JSON.stringify(out) + '\n'
            : `${p.label}\n${p.birthName}\n${p.firstName}\n${out.birthDate ?? ''}\n`,
        );
        return 0;
      }
      if (sub === 'display' && rest.length === 1) {
        io.stdout(displaySubject(rest[0]!) + '\n');
        return 0;
      }
    } catch (error) {
      const wire = toMssanteError(error).toWire(io.locale);
      if (json) io.stdout(JSON.stringify({ ok: false, error: wire }) + '\n');
      else io.stderr(`${wire.code}: ${wire.message}\n`);
      return 1;
    }
    io.stderr(USAGE + '\n');
    return 2;
  },
};
