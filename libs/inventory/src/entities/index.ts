import { Customer } from './customer.entity.js';
import { Host } from './host.entity.js';
import { Monitor } from './monitor.entity.js';
import { Service } from './service.entity.js';
import { ServiceCustomer } from './service-customer.entity.js';
import { Site } from './site.entity.js';
import { SshCredential } from './ssh-credential.entity.js';

export { Customer, Host, Monitor, Service, ServiceCustomer, Site, SshCredential };
export { HostKind, ProbeType, ServiceType, Severity } from './enums.js';
export const INVENTORY_ENTITIES = [Customer, Site, SshCredential, Host, Service, ServiceCustomer, Monitor];
