import { createRequire } from 'node:module';
import type { AddressInfo, Socket } from 'node:net';

/**
 * The demo's IMAP server: hoodiecrow-imap (by nodemailer's author, an IMAP4rev1 server made for testing mail clients,
 * in memory). Only the demo's own loopback mailbox uses it; see docs/libraries.md.
 */
const require = createRequire(import.meta.url);

interface Hoodiecrow {
  server: import('node:net').Server;
  storage: { INBOX: { messages?: unknown[] } };
  listen(port: number, host: string, done: () => void): void;
  close(done: () => void): void;
  appendMessage(mailbox: string, flags: string[], date: Date, raw: string): void;
}

/** Messages the inbox keeps at most: the round-trip probe deletes its own; anything else must not grow memory. */
const MAX_MESSAGES = 50;

export interface DemoMailbox {
  deliver(raw: Buffer): void;
}

/** `now`: the internal date a delivered message gets (the injected clock). */
export async function listenImap(port: number, now: () => Date): Promise<{ port: number; close(): Promise<void>; mailbox: DemoMailbox }> {
  const hoodiecrow = require('hoodiecrow-imap') as (options: unknown) => Hoodiecrow;
  const imap = hoodiecrow({ plugins: ['ID', 'UIDPLUS', 'LITERALPLUS', 'ENABLE', 'IDLE'], users: { demo: { password: 'demo' } } });
  const sockets = new Set<Socket>();
  imap.server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    imap.server.once('error', reject);
    imap.listen(port, '127.0.0.1', () => {
      imap.server.off('error', reject);
      resolve();
    });
  });
  const mailbox: DemoMailbox = {
    deliver(raw) {
      const inbox = imap.storage.INBOX.messages ?? [];
      if (inbox.length >= MAX_MESSAGES) inbox.splice(0, inbox.length - MAX_MESSAGES + 1);
      imap.appendMessage('INBOX', [], now(), raw.toString('binary'));
    },
  };
  return {
    port: (imap.server.address() as AddressInfo).port,
    mailbox,
    // A stopped server refuses at once: open sessions are cut.
    close: () => new Promise<void>((done) => {
      imap.close(() => done());
      for (const socket of sockets) socket.destroy();
    }),
  };
}
