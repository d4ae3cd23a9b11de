import type { MailboxType } from '../../../shared/domain/autoconfig/config-v1-1';
import { toMssanteError } from '../../../shared/errors/mssante-error';
import type { DiscoveredServer } from '../../autoconfig/fetch';
import { lookupAutoconfig } from '../../autoconfig/lookup';
import { HostSettings } from '../../service/host-settings';
import { stateDir } from '../../state-dir';
import { parseCommandArgs, usageError } from '../args';
import type { CliCommand } from '../command';

const USAGE = `usage:
  mssante autoconfig ADDRESS [--type PER|ORG|APP] [--json]
      what the setup page would do for ADDRESS (ECO.1.1.9): the URL fetched, the certificate's
      issuer (IGC Santé or web PKI), the IMAP and SMTP servers chosen for the type (PER when not
      given), or the refusal with its code; the host's config.json (trust, hosts, autoconfig
      ports) as the host reads it`;

const TYPES: readonly MailboxType[] = ['PER', 'ORG', 'APP'];

function line(server: DiscoveredServer): string {
  return `${server.host}:${server.port} ${server.socketType} ${server.authentication.join(', ') || '-'}`;
}

/**
 * `mssante autoconfig`: the host's own autoconfig lookup (lookupAutoconfig, the same trust
 * context, names and ports from config.json), printed for QA on real operators. Exit 0 when a
 * pair of servers was chosen, 1 on a refusal (its code and sentence), 2 on a usage error.
 */
export const command: CliCommand = {
  name: 'autoconfig',
  summary: 'what setup would do for an address (autoconfig, ECO.1.1.9)',
  async run(args, io) {
    const parsed = parseCommandArgs(
      args,
      { type: { type: 'string' }, json: { type: 'boolean' } },
      io,
      USAGE,
      { positionals: true },
    );
    if (!parsed) return 2;
    const [address, ...extra] = parsed.positionals;
    if (!address || extra.length > 0) return usageError(io, USAGE, 'one ADDRESS');
    const typeArg = (parsed.values.type ?? 'PER').toUpperCase();
    if (!TYPES.includes(typeArg as MailboxType)) return usageError(io, USAGE, `--type ${typeArg}`);
    const type = typeArg as MailboxType;
    const json = parsed.values.json === true;
    const fr = io.locale === 'fr';
    try {
      const settings = new HostSettings(stateDir());
      const found = await lookupAutoconfig(address, {
        ...settings.upstreamTls(),
        ports: settings.resolved().config.autoconfigPorts,
        type,
      });
      const result = {
        ok: true,
        address: found.address,
        type,
        url: found.url,
        certificate: {
          issuer: found.server.issuer,
          pki: found.server.pki,
          description: found.server.certificate,
          protocol: found.server.protocol,
          cipher: found.server.cipher,
        },
        imap: found.imap,
        smtp: found.smtp,
      };
      if (json) io.stdout(JSON.stringify(result) + '\n');
      else
        io.stdout(
          [
            `URL          ${found.url}`,
            `${fr ? 'émetteur    ' : 'issuer      '} ${found.server.issuer} (${found.server.pki === 'web' ? (fr ? 'IGC commerciale (web)' : 'commercial (web) PKI') : 'IGC Santé'})`,
            `TLS          ${found.server.protocol} ${found.server.cipher}`,
            `${fr ? 'type de BAL ' : 'mailbox type'} ${type}`,
            `IMAP         ${line(found.imap)}`,
            `SMTP         ${line(found.smtp)}`,
          ].join('\n') + '\n',
        );
      return 0;
    } catch (error) {
      const wire = toMssanteError(error).toWire(io.locale);
      if (json) io.stdout(JSON.stringify({ ok: false, address, type, error: wire }) + '\n');
      else io.stderr(`${wire.code}: ${wire.message}\n`);
      return 1;
    }
  },
};
