import tls from 'node:tls';
import { ImapFlow } from 'imapflow';
import { bridgeRig, SANDBOX_LOOKUP } from '../test/fixtures/bridge-rig';
import { MARIE, PAUL } from '../lab/sandbox/people';

const SECRET = 'bench-local-secret';

function message(i: number, size: number): Buffer {
  const head = `From: ${PAUL.mailbox}\r\nTo: ${MARIE.mailbox}\r\nSubject: bench ${i}\r\nMessage-ID: <bench-${i}@sandbox>\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n`;
  const line =
    'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor.\r\n';
  return Buffer.from(head + line.repeat(Math.ceil((size - head.length) / line.length)));
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const percentile = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

/**
 * Issue 6 goals: FETCH of 1 000 messages of 100 KB through the bridge ≥ 0.95 of the direct
 * throughput (imapflow over STARTTLS + XOAUTH2 straight to Dovecot, same run, same messages);
 * added latency per IMAP command (NOOP round trip) p50 ≤ 0.2 ms; host memory per open connection.
 */
export async function benchBridge(
  count = 1000,
  size = 100_000,
  rounds = 3,
): Promise<Record<string, unknown>> {
  const rig = await bridgeRig({
    address: MARIE.mailbox,
    nationalId: MARIE.nationalId,
    secret: SECRET,
  });
  try {
    const token = await rig.session.accessToken();
    const upstream = rig.operator.dovecot.info.imap.port;
    const direct = () =>
      new ImapFlow({
        host: 'imap.sandbox.mssante.test',
        port: upstream,
        secure: false,
        doSTARTTLS: true,
        tls: {
          ca: rig.operator.pki.organisations.toString() + rig.operator.pki.root.toString(),
          lookup: SANDBOX_LOOKUP,
        } as never,
        auth: { user: MARIE.mailbox, accessToken: token },
        logger: false,
        disableAutoIdle: true,
      });
    const bridged = () =>
      new ImapFlow({
        host: '127.0.0.1',
        port: rig.imapPort,
        secure: true,
        tls: rig.tls,
        auth: { user: MARIE.mailbox, pass: SECRET },
        logger: false,
        disableAutoIdle: true,
      });

    const filler = direct();
    await filler.connect();
    for (let i = 0; i < count; i++) await filler.append('INBOX', message(i, size));
    await filler.logout();

    const fetchAll = async (make: () => ImapFlow) => {
      const client = make();
      await client.connect();
      const lock = await client.getMailboxLock('INBOX');
      let bytes = 0;
      const start = performance.now();
      for await (const m of client.fetch('1:*', { source: true })) bytes += m.source?.length ?? 0;
      const ms = performance.now() - start;
      lock.release();
      await client.logout();
      return { ms, bytes };
    };
    const directRuns: number[] = [];
    const bridgeRuns: number[] = [];
    let bytes = 0;
    for (let r = 0; r < rounds; r++) {
      const d = await fetchAll(direct);
      const b = await fetchAll(bridged);
      bytes = b.bytes;
      directRuns.push(d.bytes / d.ms / 1000);
      bridgeRuns.push(b.bytes / b.ms / 1000);
    }

    const noops = async (make: () => ImapFlow, n = 1000) => {
      const client = make();
      await client.connect();
      const times: number[] = [];
      for (let i = 0; i < n; i++) {
        const start = performance.now();
        await client.noop();
        times.push(performance.now() - start);
      }
      await client.logout();
      return times;
    };
    const directNoop = await noops(direct);
    const bridgeNoop = await noops(bridged);

    // Memory per open connection: N raw clients logged in through the bridge (each also holds
    // an upstream TLS connection), measured in this process, which runs the bridge.
    const open = 8; // under Dovecot's default mail_max_userip_connections (10)
    global.gc?.();
    const before = process.memoryUsage();
    const sockets: tls.TLSSocket[] = [];
    for (let i = 0; i < open; i++) {
      const socket = tls.connect({ port: rig.imapPort, host: '127.0.0.1', ...rig.tls });
      await new Promise<void>((resolve, reject) => {
        let seen = '';
        socket.on('data', (d: Buffer) => {
          seen += d.toString('latin1');
          if (/^\* OK/m.test(seen) && !seen.includes('a1 '))
            socket.write(`a1 LOGIN ${MARIE.mailbox} ${SECRET}\r\n`);
          if (/^a1 OK/m.test(seen)) resolve();
          if (/^a1 (NO|BAD)/m.test(seen)) reject(new Error(seen));
        });
        socket.once('error', reject);
      });
      sockets.push(socket);
    }
    global.gc?.();
    const after = process.memoryUsage();
    for (const s of sockets) s.destroy();

    const directMBs = median(directRuns);
    const bridgeMBs = median(bridgeRuns);
    return {
      messages: count,
      messageBytes: size,
      fetchedBytes: bytes,
      throughputMBs: {
        direct: +directMBs.toFixed(1),
        bridge: +bridgeMBs.toFixed(1),
        ratio: +(bridgeMBs / directMBs).toFixed(3),
        goal: 0.95,
        rounds,
      },
      noopMs: {
        directP50: +median(directNoop).toFixed(3),
        bridgeP50: +median(bridgeNoop).toFixed(3),
        addedP50: +(median(bridgeNoop) - median(directNoop)).toFixed(3),
        addedP95: +(percentile(bridgeNoop, 95) - percentile(directNoop, 95)).toFixed(3),
        goalAddedP50: 0.2,
      },
      memoryPerConnectionKB: {
        connections: open,
        rss: Math.round((after.rss - before.rss) / open / 1024),
        heap: Math.round((after.heapUsed - before.heapUsed) / open / 1024),
        note: 'bridge side of one Thunderbird connection: loopback socket + upstream TLS session',
      },
    };
  } finally {
    await rig.close();
  }
}
