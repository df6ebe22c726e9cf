export { InventoryModule } from './inventory.module.js';
export { INVENTORY_ENTITIES, Customer, Host, HostKind, Monitor, ProbeType, Service, ServiceType, Severity, Site, SshCredential } from './entities/index.js';
export { SshCredentialsService } from './ssh-credentials.service.js';
export { validateMonitorConfig, HOSTNAME } from './monitor-config.validator.js';
export { HostsService } from './hosts.service.js';
export { MonitorsService } from './monitors.service.js';
export { openSecrets, revealSecrets, SEALED, secretPaths } from './monitor-secrets.js';
export { ServicesService } from './services.service.js';
export { CustomersService, SitesService } from './customers.service.js';
