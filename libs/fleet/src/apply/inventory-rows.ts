import type { FleetCustomer, FleetHost, FleetMonitor, FleetService, FleetSite } from '../document/fleet-document.js';
import { durationMs } from '../document/fleet-schema.js';

/** The id of an object by its key, existing or about to be created. */
export type IdOf = (kind: 'sites' | 'hosts' | 'customers' | 'services', key: string) => string;

/** The inventory's columns for a fleet object: names resolved to ids, durations to milliseconds. */
export const inventoryRows = {
  sites: (s: FleetSite) => ({ name: s.name, location: s.location }),
  customers: (c: FleetCustomer) => ({ name: c.name, email: c.email, externalRef: c.externalRef, language: c.language, monthlyReports: c.monthlyReports }),
  hosts: (h: FleetHost, id: IdOf) => ({
    name: h.name, kind: h.kind, addresses: h.addresses, tags: h.tags, siteId: h.site ? id('sites', h.site) : null,
    sshUser: h.ssh.user, sshPort: h.ssh.port, sshHostKey: h.ssh.hostKey,
  }),
  services: (s: FleetService, id: IdOf) => ({ name: s.name, type: s.type, hostId: id('hosts', s.host), port: s.port, customerFacingName: s.customerFacingName }),
  monitors: (m: FleetMonitor, id: IdOf) => ({
    name: m.name, type: m.type, hostId: id('hosts', m.host), serviceId: m.service ? id('services', `${m.host}/${m.service}`) : null,
    intervalMs: durationMs(m.interval), timeoutMs: durationMs(m.timeout), enabled: m.enabled, severity: m.severity,
  }),
};
