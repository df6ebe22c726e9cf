import { registerEnumType } from '@nestjs/graphql';

export enum HostKind {
  physical = 'physical',
  vm = 'vm',
  hypervisor = 'hypervisor',
}
registerEnumType(HostKind, { name: 'HostKind' });

export enum ServiceType {
  web = 'web',
  mail = 'mail',
  mysql = 'mysql',
  dns = 'dns',
  other = 'other',
}
registerEnumType(ServiceType, { name: 'ServiceType' });

export enum ProbeType {
  http = 'http',
  tcp = 'tcp',
  icmp = 'icmp',
  dns = 'dns',
  smtp = 'smtp',
  imap = 'imap',
  pop3 = 'pop3',
  mail_roundtrip = 'mail_roundtrip',
  mysql = 'mysql',
  ssh = 'ssh',
}
registerEnumType(ProbeType, { name: 'ProbeType' });

export enum Severity {
  critical = 'critical',
  warning = 'warning',
  info = 'info',
}
registerEnumType(Severity, { name: 'Severity', description: 'How loud an outage of this monitor is: routes can match it' });
