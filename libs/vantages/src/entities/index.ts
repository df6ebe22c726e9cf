import { MonitorVantages, TenantVantageDefaults } from './vantage-assignment.entity.js';
import { VantageResultBatch } from './vantage-result-batch.entity.js';
import { Vantage } from './vantage.entity.js';

export { MonitorVantages, TenantVantageDefaults, Vantage, VantageResultBatch };
export { VantageKind } from './vantage.entity.js';
export const VANTAGE_ENTITIES = [Vantage, MonitorVantages, TenantVantageDefaults, VantageResultBatch];
