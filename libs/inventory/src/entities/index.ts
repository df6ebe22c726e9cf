import { Customer } from './customer.entity.js';
import { Host } from './host.entity.js';
import { Monitor } from './monitor.entity.js';
import { Service } from './service.entity.js';
import { Site } from './site.entity.js';

export { Customer, Host, Monitor, Service, Site };
export { HostKind, ProbeType, ServiceType } from './enums.js';
export const INVENTORY_ENTITIES = [Customer, Site, Host, Service, Monitor];
