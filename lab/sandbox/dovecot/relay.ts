import net, { type AddressInfo } from 'node:net';

export interface Delivery {
  from: string;
  to: string[];
  data: Buffer;
  /** DSN parameters (RFC 3461) the client gave, which Dovecot's submission passes on. */
  dsn: {
    envelopeId?: string;
    returnFull: boolean;
    /** Per recipient: NOTIFY (uppercase) and ORCPT, when given. */
    recipients: Record<string, { notify: string[]; original?: string }>;
  };
}

/**
 * The operator's MTA behind Dovecot's submission service, reduced to what the sandbox needs: an
 * SMTP server on loopback that accepts what Dovecot relays and hands each message to `deliver`
 * (which stores it in the recipients' mailboxes). Dovecot itself does the client-facing rules.
 */
export async function startRelay(
  deliver: (mail: Delivery) => Promise<void>,
): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let buffer = Buffer.alloc(0);
    let from = '';
    let to: string[] = [];
    let dsn: Delivery['dsn'] = { returnFull: false, recipients: {} };
    const param = (line: string, name: string) =>
      new RegExp(`\\s${name}=([^\\s]+)`, 'i').exec(line)?.[1];
    let inData = false;
    const reply = (line: string) => socket.write(`${line}\r\n`);
    reply('220 sandbox-mta ESMTP');
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        if (inData) {
          const end = buffer.indexOf('\r\n.\r\n');
          const atStart = buffer.subarray(0, 3).toString() === '.\r\n';
          if (end < 0 && !atStart) return;
          const data = atStart ? Buffer.alloc(0) : buffer.subarray(0, end + 2);
          buffer = atStart ? buffer.subarray(3) : buffer.subarray(end + 5);
          inData = false;
          const unstuffed = Buffer.from(data.toString('latin1').replace(/^\.\./gm, '.'), 'latin1');
          deliver({ from, to, data: unstuffed, dsn }).then(
            () => reply('250 2.0.0 delivered'),
            (error: unknown) => reply(`451 4.3.0 ${String(error).slice(0, 100)}`),
          );
          continue;
        }
        const end = buffer.indexOf('\r\n');
        if (end < 0) return;
        const line = buffer.subarray(0, end).toString('latin1');
        buffer = buffer.subarray(end + 2);
        const verb = line.split(/[ :]/)[0]!.toUpperCase();
        if (verb === 'EHLO' || verb === 'HELO')
          reply('250-sandbox-mta\r\n250-8BITMIME\r\n250-DSN\r\n250 PIPELINING');
        else if (verb === 'MAIL') {
          from = /<([^>]*)>/.exec(line)?.[1] ?? '';
          to = [];
          const envelopeId = param(line, 'ENVID');
          dsn = {
            returnFull: param(line, 'RET')?.toUpperCase() === 'FULL',
            recipients: {},
            ...(envelopeId ? { envelopeId } : {}),
          };
          reply('250 2.1.0 OK');
        } else if (verb === 'RCPT') {
          const recipient = /<([^>]*)>/.exec(line)?.[1] ?? '';
          to.push(recipient);
          const original = param(line, 'ORCPT')?.replace(/^rfc822;/i, '');
          dsn.recipients[recipient] = {
            notify: (param(line, 'NOTIFY') ?? 'FAILURE').toUpperCase().split(','),
            ...(original ? { original } : {}),
          };
          reply('250 2.1.5 OK');
        } else if (verb === 'DATA') {
          inData = true;
          reply('354 go ahead');
        } else if (verb === 'QUIT') {
          reply('221 bye');
          socket.end();
        } else reply('250 OK');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
