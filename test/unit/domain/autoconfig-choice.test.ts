import assert from 'node:assert/strict';
import {
  chooseServer,
  parseAutoconfig,
  TYPE_AUTHENTICATION,
} from '../../../shared/domain/autoconfig/config-v1-1';
import { chooseFronts } from '../../../native-host/autoconfig/fetch';
import { configXml } from '../../../lab/sandbox/autoconfig/config-xml';
import { endpointsForType } from '../../../extension/ui/setup/setup-model';
import { ERROR_MESSAGES } from '../../../shared/errors/codes';

const DOMAIN = 'operateur.mssante.fr';

/**
 * Seed 001's sample file (2.1.1.2.4), with its bracketed placeholders filled in: two fronts per
 * protocol, told apart by `<authentication>`.
 */
const SEED_SAMPLE = `<?xml version="1.0"?>
<clientConfig version="1.1">
  <emailProvider id="${DOMAIN} ">
    <domain>${DOMAIN}</domain>

    <displayName>Opérateur de test</displayName>
    <displayShortName>Opérateur</displayShortName>

    <incomingServer type="imap">
      <hostname>psc.${DOMAIN}</hostname>
      <port>143</port>
      <socketType>STARTTLS</socketType>
      <username>%EMAILLOCALPART%</username>
      <authentication>OAuth2</authentication>
    </incomingServer>

    <outgoingServer type="smtp">
      <hostname>psc.${DOMAIN}</hostname>
      <port>587</port>
      <socketType>STARTTLS</socketType>
      <username>%EMAILLOCALPART%</username>
      <authentication>OAuth2</authentication>
    </outgoingServer>

    <incomingServer type="imap">
      <hostname>authcli.${DOMAIN}</hostname>
      <port>143</port>
      <socketType>STARTTLS</socketType>
      <username>%EMAILLOCALPART%</username>
      <authentication>TLS-client-cert</authentication>
    </incomingServer>

    <outgoingServer type="smtp">
      <hostname>authcli.${DOMAIN}</hostname>
      <port>587</port>
      <socketType>STARTTLS</socketType>
      <username>%EMAILLOCALPART%</username>
      <authentication>TLS-client-cert</authentication>
    </outgoingServer>

  </emailProvider>
</clientConfig>`;

const server = (
  hostname: string,
  authentication: string[],
  socketType = 'STARTTLS',
  type: 'imap' | 'smtp' = 'imap',
) => ({ type, hostname, port: type === 'imap' ? 143 : 587, socketType, authentication });

describe('autoconfig: the server chosen by mailbox type and authentication (ECO.1.1.9, docs/setup.md)', () => {
  it('ECO.1.1.9 on the seed sample: PER and ORG get the OAuth2 (PSC) front, APP the TLS-client-cert front', () => {
    const config = parseAutoconfig(SEED_SAMPLE);
    assert.deepEqual(config.domains, [DOMAIN]);
    for (const type of ['PER', 'ORG'] as const) {
      const fronts = chooseFronts(config, type, `marie.martin@${DOMAIN}`);
      assert.ok('imap' in fronts, JSON.stringify(fronts));
      assert.deepEqual(
        [fronts.imap.host, fronts.imap.port, fronts.smtp.host, fronts.smtp.port],
        [`psc.${DOMAIN}`, 143, `psc.${DOMAIN}`, 587],
      );
      assert.deepEqual(fronts.imap.authentication, ['OAuth2']);
      assert.equal(fronts.imap.username, 'marie.martin'); // %EMAILLOCALPART%, as written
    }
    const app = chooseFronts(config, 'APP', `labo@${DOMAIN}`);
    assert.ok('imap' in app, JSON.stringify(app));
    assert.deepEqual(
      [app.imap.host, app.smtp.host, app.imap.authentication, app.smtp.authentication],
      [`authcli.${DOMAIN}`, `authcli.${DOMAIN}`, ['TLS-client-cert'], ['TLS-client-cert']],
    );
  });

  it('ECO.1.1.9 the choice reads the authentication, not the host name or the place in the file', () => {
    // The same fronts, the TLS-client-cert one first.
    const swapped = SEED_SAMPLE.replace('OAuth2', 'TMP')
      .replace('OAuth2', 'TMP')
      .replace(/TLS-client-cert/g, 'OAuth2')
      .replace(/TMP/g, 'TLS-client-cert');
    const config = parseAutoconfig(swapped);
    assert.deepEqual(config.incoming[0]!.authentication, ['TLS-client-cert']);
    const per = chooseServer(config.incoming, 'imap', 'PER');
    const app = chooseServer(config.incoming, 'imap', 'APP');
    assert.ok(per.ok && app.ok);
    // The choice follows the authentication, never the name or the place in the file.
    assert.equal(per.server.hostname, `authcli.${DOMAIN}`);
    assert.equal(app.server.hostname, `psc.${DOMAIN}`);
  });

  it('ECO.1.1.9 one front listing both authentications serves every type', () => {
    const one = [server('mail.x', ['OAuth2', 'TLS-client-cert'])];
    for (const type of ['PER', 'ORG', 'APP'] as const) {
      const c = chooseServer(one, 'imap', type);
      assert.ok(c.ok);
      assert.equal(c.server.hostname, 'mail.x');
    }
  });

  it('ECO.1.1.9 several servers fitting a type: the first in the file (the preferred one)', () => {
    const list = [
      server('a.x', ['password-cleartext']),
      server('b.x', ['OAuth2']),
      server('c.x', ['OAuth2']),
      server('d.x', ['TLS-client-cert']),
      server('e.x', ['TLS-client-cert']),
    ];
    const per = chooseServer(list, 'imap', 'PER');
    const app = chooseServer(list, 'imap', 'APP');
    assert.ok(per.ok && app.ok);
    assert.deepEqual([per.server.hostname, app.server.hostname], ['b.x', 'd.x']);
  });

  it('ECO.1.1.9 authentications are compared without case; unknown ones are ignored, a server with none fits no type', () => {
    const list = [
      server('none.x', []),
      server('gssapi.x', ['GSSAPI', 'NTLM', 'something-new']),
      server('oauth.x', ['oauth2']),
    ];
    const per = chooseServer(list, 'imap', 'PER');
    assert.ok(per.ok);
    assert.equal(per.server.hostname, 'oauth.x');
    const app = chooseServer(list, 'imap', 'APP');
    assert.equal(app.ok, false);
    assert.ok(!app.ok);
    assert.equal(app.code, 'E_AUTOCONFIG_NO_SERVER_FOR_TYPE');
    assert.match(app.detail, /^APP: no IMAP server with TLS-client-cert; offered: /);
    assert.match(app.detail, /none\.x \(none\); gssapi\.x \(GSSAPI, NTLM, something-new\)/);
  });

  it('ECO.1.1.9 a server without STARTTLS is never chosen: none left is E_AUTOCONFIG_NOT_MSSANTE', () => {
    const list = [server('ssl.x', ['OAuth2'], 'SSL'), server('plain.x', ['OAuth2'], 'plain')];
    const c = chooseServer(list, 'imap', 'PER');
    assert.ok(!c.ok);
    assert.equal(c.code, 'E_AUTOCONFIG_NOT_MSSANTE');
    const mixed = [server('ssl.x', ['OAuth2'], 'SSL'), server('tls.x', ['OAuth2'], 'starttls')];
    const m = chooseServer(mixed, 'imap', 'PER');
    assert.ok(m.ok);
    assert.equal(m.server.hostname, 'tls.x');
  });

  it('ECO.1.1.9 a file with a PSC front only: PER/ORG configured, APP refused with its code and what the file offers', () => {
    const pscOnly = SEED_SAMPLE.replace(
      /<incomingServer type="imap">\s*<hostname>authcli[\s\S]*?<\/outgoingServer>/,
      '',
    );
    const config = parseAutoconfig(pscOnly);
    assert.ok('imap' in chooseFronts(config, 'PER', `a@${DOMAIN}`));
    const app = chooseFronts(config, 'APP', `a@${DOMAIN}`);
    assert.ok(!('imap' in app));
    assert.equal(app.code, 'E_AUTOCONFIG_NO_SERVER_FOR_TYPE');
    assert.match(app.detail, /psc\.operateur\.mssante\.fr \(OAuth2\)/);
    // The sentence of the code, in both languages.
    assert.match(ERROR_MESSAGES.E_AUTOCONFIG_NO_SERVER_FOR_TYPE.fr, /TLS-client-cert/);
    assert.match(ERROR_MESSAGES.E_AUTOCONFIG_NO_SERVER_FOR_TYPE.en, /OAuth2/);
  });

  it('ECO.1.1.9 an IMAP front fitting the type but no SMTP front is refused too', () => {
    const noSmtpApp = SEED_SAMPLE.replace(
      /<outgoingServer type="smtp">\s*<hostname>authcli[\s\S]*?<\/outgoingServer>/,
      '',
    );
    const app = chooseFronts(parseAutoconfig(noSmtpApp), 'APP', `a@${DOMAIN}`);
    assert.ok(!('imap' in app));
    assert.match(app.detail, /^APP: no SMTP server with TLS-client-cert/);
  });

  it('the types map to the seed’s authentications', () => {
    assert.deepEqual(TYPE_AUTHENTICATION, {
      PER: 'OAuth2',
      ORG: 'OAuth2',
      APP: 'TLS-client-cert',
    });
  });

  it('the sandbox serves the seed layout: two fronts, distinct host names, chosen by type', () => {
    const xml = configXml({
      domain: 'sandbox.mssante.test',
      imap: { host: 'imap.sandbox.mssante.test', port: 10143 },
      smtp: { host: 'smtp.sandbox.mssante.test', port: 10587 },
      app: {
        imap: { host: 'authcli.sandbox.mssante.test', port: 10143 },
        smtp: { host: 'authcli.sandbox.mssante.test', port: 10587 },
      },
    });
    const config = parseAutoconfig(xml);
    assert.equal(config.incoming.length, 2);
    assert.equal(config.outgoing.length, 2);
    const per = chooseFronts(config, 'PER', 'a@sandbox.mssante.test');
    const app = chooseFronts(config, 'APP', 'a@sandbox.mssante.test');
    assert.ok('imap' in per && 'imap' in app);
    assert.deepEqual(
      [per.imap.host, per.smtp.host, app.imap.host, app.smtp.host],
      [
        'imap.sandbox.mssante.test',
        'smtp.sandbox.mssante.test',
        'authcli.sandbox.mssante.test',
        'authcli.sandbox.mssante.test',
      ],
    );
  });

  it('ECO.1.1.9 the setup page takes the servers of the type picked, or the refusal for it', () => {
    const config = parseAutoconfig(
      SEED_SAMPLE.replace(
        /<incomingServer type="imap">\s*<hostname>authcli[\s\S]*?<\/outgoingServer>/,
        '',
      ),
    );
    const address = `a@${DOMAIN}`;
    const per = chooseFronts(config, 'PER', address);
    assert.ok('imap' in per);
    const found = {
      address,
      domain: DOMAIN,
      url: `https://autoconfig.${DOMAIN}/mail/config-v1.1.xml`,
      imap: per.imap,
      smtp: per.smtp,
      byType: {
        PER: per,
        ORG: chooseFronts(config, 'ORG', address),
        APP: chooseFronts(config, 'APP', address),
      },
      server: { certificate: 'c', protocol: 'TLSv1.3', cipher: 'x' },
    };
    assert.deepEqual(endpointsForType(found, 'ORG'), {
      imap: { host: `psc.${DOMAIN}`, port: 143 },
      smtp: { host: `psc.${DOMAIN}`, port: 587 },
    });
    const app = endpointsForType(found, 'APP');
    assert.ok('code' in app);
    assert.equal(app.code, 'E_AUTOCONFIG_NO_SERVER_FOR_TYPE');
    // A host that does not report byType: its one pair for every type.
    const { byType: _ignored, ...older } = found;
    assert.deepEqual(endpointsForType(older, 'APP'), endpointsForType(found, 'PER'));
  });
});
