import { registerEnumType } from '@nestjs/graphql';
import { PROBE_KINDS, ProbeType } from '#lib/probes';

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

// The probe types are the probes library's registry (probe-kinds.ts): one entry per kind, described there.
export { ProbeType };
registerEnumType(ProbeType, {
  name: 'ProbeType',
  description: 'What a monitor checks; one value per registered probe kind',
  valuesMap: Object.fromEntries(PROBE_KINDS.map((kind) => [kind.type, { description: kind.description }])),
});

export enum Severity {
  critical = 'critical',
  warning = 'warning',
  info = 'info',
}
registerEnumType(Severity, { name: 'Severity', description: 'How loud an outage of this monitor is: routes can match it' });
