import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { HOST_NAMES } from '../../lab/sandbox/contracts';
import { operatorHostConfig, writeLabHostConfig } from '../../lab/sandbox/host-config';
import { startOperator, type TestOperator } from '../../lab/sandbox/operator';
import { MARIE } from '../../lab/sandbox/people';
import { webTrustBundle } from '../../lab/sandbox/web-trust';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BUNDLE = path.join(ROOT, 'dist/host/mssante.mjs');

/**
 * `mssante autoconfig` (issue 18 item 4), the built command against the sandbox operator: its
 * autoconfig server has a certificate of the test "commercial" CA and the seed's two fronts.
 */
describe('mssante autoconfig ADDRESS [--type] [--json] (the built command, sandbox operator)', function () {
  this.timeout(120_000);
  let operator: TestOperator;
  let home: string;
  let state: string;
  let trusted: string;

  before(async function () {
    this.timeout(180_000);
    operator = await startOperator();
    home = mkdtempSync(path.join(os.tmpdir(), 'autoconfig-cli-'));
    state = path.join(home, 'state');
    writeLabHostConfig(state, operatorHostConfig(operator));
    trusted = webTrustBundle(operator.files.webCaCert!, home);
  });
  after(async () => {
    await operator?.stop();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  /** The built command, spawned asynchronously: the operator answers from this process. */
  function mssante(
    args: string[],
    env: Record<string, string | undefined> = {},
  ): Promise<{ code: number; out: string; err: string }> {
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        [BUNDLE, 'autoconfig', ...args],
        {
          env: {
            ...process.env,
            HOME: home,
            MSSANTE_STATE_DIR: state,
            LANG: 'en_US.UTF-8',
            NODE_EXTRA_CA_CERTS: trusted,
            ...env,
          },
          encoding: 'utf8',
        },
        (error, stdout, stderr) =>
          resolve({
            code: error ? ((error as { code?: number }).code ?? -1) : 0,
            out: stdout,
            err: stderr,
          }),
      );
    });
  }

  const port = (p: 'imap' | 'smtp') => operator.dovecot.info[p].port;

  it('ECO.1.1.9 prints the URL, the commercial issuer and the PSC front chosen for a PER mailbox (JSON)', async () => {
    const r = await mssante([MARIE.mailbox, '--json']);
    assert.equal(r.code, 0, r.err);
    const out = JSON.parse(r.out);
    assert.equal(out.ok, true);
    assert.equal(out.type, 'PER');
    assert.equal(out.url, operator.autoconfig.info.url);
    assert.equal(out.certificate.pki, 'web');
    assert.match(out.certificate.issuer, /^CN=Sandbox Commercial TLS CA 2026/);
    assert.deepEqual(
      [out.imap.host, out.imap.port, out.imap.socketType, out.imap.authentication],
      [HOST_NAMES.imap, port('imap'), 'STARTTLS', ['OAuth2']],
    );
    assert.deepEqual([out.smtp.host, out.smtp.port], [HOST_NAMES.smtp, port('smtp')]);
  });

  it('ECO.1.1.9 --type APP: the TLS-client-cert front, in words', async () => {
    const r = await mssante([MARIE.mailbox, '--type', 'app']);
    assert.equal(r.code, 0, r.err);
    assert.match(
      r.out,
      /^URL {10}https:\/\/autoconfig\.sandbox\.mssante\.test:\d+\/mail\/config-v1\.1\.xml$/m,
    );
    assert.match(
      r.out,
      /^issuer {7}CN=Sandbox Commercial TLS CA 2026.* \(commercial \(web\) PKI\)$/m,
    );
    assert.match(r.out, /^mailbox type APP$/m);
    assert.match(
      r.out,
      new RegExp(
        `^IMAP {9}authcli\\.sandbox\\.mssante\\.test:${port('imap')} STARTTLS TLS-client-cert$`,
        'm',
      ),
    );
    assert.match(
      r.out,
      new RegExp(
        `^SMTP {9}authcli\\.sandbox\\.mssante\\.test:${port('smtp')} STARTTLS TLS-client-cert$`,
        'm',
      ),
    );
  });

  it('ECO.1.1.9 without the commercial CA in Node’s default store: the refusal with its code and the certificate', async () => {
    const r = await mssante([MARIE.mailbox], { NODE_EXTRA_CA_CERTS: undefined });
    assert.equal(r.code, 1);
    assert.match(
      r.err,
      /^E_TRUST_AUTOCONFIG_UNKNOWN_CA: .*subject CN=autoconfig\.sandbox\.mssante\.test.*issuer CN=Sandbox Commercial TLS CA 2026.*sha256 /,
    );
    const json = await mssante([MARIE.mailbox, '--json'], { NODE_EXTRA_CA_CERTS: undefined });
    assert.equal(json.code, 1);
    const out = JSON.parse(json.out);
    assert.deepEqual([out.ok, out.error.code], [false, 'E_TRUST_AUTOCONFIG_UNKNOWN_CA']);
  });

  it('refuses wrong arguments with the usage (exit 2), and says when the host is not configured', async () => {
    assert.equal((await mssante([MARIE.mailbox, '--type', 'XYZ'])).code, 2);
    assert.equal((await mssante([])).code, 2);
    assert.equal((await mssante([MARIE.mailbox, '--nope'])).code, 2);
    const bare = await mssante([MARIE.mailbox], { MSSANTE_STATE_DIR: path.join(home, 'empty') });
    assert.equal(bare.code, 1);
    assert.match(bare.err, /^E_CONFIG_MISSING: /);
  });
});
