import { MonitorVantages, TenantVantageDefaults } from './vantage-assignment.entity.js';
import { VantageResult } from './vantage-result.entity.js';
import { Vantage } from './vantage.entity.js';

export { MonitorVantages, TenantVantageDefaults, Vantage, VantageResult };
export { VantageKind } from './vantage.entity.js';
export const VANTAGE_ENTITIES = [Vantage, MonitorVantages, TenantVantageDefaults, VantageResult];
