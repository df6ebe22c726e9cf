import { Module } from '@nestjs/common';
import { DnsProbe } from './dns.probe.js';
import { ImapProbe } from './imap.probe.js';
import { MailRoundTripProbe } from './mail-roundtrip.probe.js';
import { Pop3Probe } from './pop3.probe.js';
import { HttpProbe } from './http.probe.js';
import { IcmpProbe } from './icmp.probe.js';
import { MysqlProbe } from './mysql.probe.js';
import { PROBES, ProbeRunner } from './probe-runner.js';
import { SmtpProbe } from './smtp.probe.js';
import { SshProbe } from './ssh.probe.js';
import { TcpProbe } from './tcp.probe.js';
import { EgressModule } from '#lib/egress';

export function defaultProbes() {
  return [
    new HttpProbe(), new TcpProbe(), new IcmpProbe(), new DnsProbe(), new SmtpProbe(),
    new ImapProbe(), new Pop3Probe(), new MailRoundTripProbe(), new MysqlProbe(), new SshProbe(),
  ];
}

@Module({
  imports: [EgressModule],
  providers: [{ provide: PROBES, useFactory: defaultProbes }, ProbeRunner],
  exports: [ProbeRunner],
})
export class ProbesModule {}
