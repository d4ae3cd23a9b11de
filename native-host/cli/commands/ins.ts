import { parseArgs } from 'node:util';
import { errorMessage } from '../../../shared/errors/codes';
import { toMssanteError } from '../../../shared/errors/mssante-error';
import { checkIns, patientAddress } from '../../../shared/domain/ins/ins';
import type { CliCommand } from '../command';

const USAGE = `usage:
  mssante ins check VALUE [--json]   check an INS matricule (NIR/NIA + key) and show what it says (ECO.2.2.6)`;

export const command: CliCommand = {
  name: 'ins',
  summary: 'check an INS matricule and build the patient address',
  async run(args, io) {
    let parsed;
    try {
      parsed = parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean' } } });
    } catch {
      io.stderr(`${errorMessage('E_CLI_USAGE', io.locale)}\n${USAGE}\n`);
      return 2;
    }
    const [sub, ...rest] = parsed.positionals;
    const json = parsed.values.json === true;
    if (sub !== 'check' || rest.length === 0) {
      io.stderr(USAGE + '\n');
      return 2;
    }
    // People type the number with spaces: `mssante ins check 1 78 11 75 123 456 84`.
    const value = rest.join(' ');
    try {
      const info = checkIns(value, new Date().getFullYear());
      const result = {
        valid: true,
        value: info.value,
        kind: info.kind,
        key: info.key,
        sex: info.sex,
        birthYear: info.birthYear,
        birthMonth: info.birthMonth,
        birthDepartement: info.birthDepartement,
        address: patientAddress(info.value),
      };
      if (json) io.stdout(JSON.stringify(result) + '\n');
      else {
        const fr = io.locale === 'fr';
        const month =
          info.birthMonth === null
            ? fr
              ? 'mois inconnu'
              : 'unknown month'
            : String(info.birthMonth).padStart(2, '0');
        io.stdout(
          fr
            ? `${info.kind} valide (clé ${info.key}) : sexe ${info.sex}, né(e) en ${month}/${info.birthYear}, département ${info.birthDepartement}\nAdresse : ${result.address}\nFaites confirmer sexe et date de naissance au professionnel avant l'envoi.\n`
            : `Valid ${info.kind} (key ${info.key}): sex ${info.sex}, born ${month}/${info.birthYear}, département ${info.birthDepartement}\nAddress: ${result.address}\nHave the professional confirm sex and birth date before sending.\n`,
        );
      }
      return 0;
    } catch (error) {
      const wire = toMssanteError(error).toWire(io.locale);
      if (json) io.stdout(JSON.stringify({ valid: false, error: wire }) + '\n');
      else io.stderr(`${wire.code}: ${wire.message}\n`);
      return 1;
    }
  },
};
