import { ALERT_ENTITIES } from '#lib/alerts';
import { DETECTION_ENTITIES } from '#lib/detection';
import { INCIDENT_ENTITIES } from '#lib/incidents';
import { REPORT_ENTITIES } from '#lib/reports';
import { STATUS_PAGE_ENTITIES } from '#lib/status-pages';
import { RUNBOOK_ENTITIES } from '#lib/runbooks';
import { INVENTORY_ENTITIES } from '#lib/inventory';
import { TENANCY_ENTITIES } from '#lib/tenancy';
import { VANTAGE_ENTITIES } from '#lib/vantages';
import { FLEET_ENTITIES } from '#lib/fleet';
import { ONCALL_ENTITIES } from '#lib/oncall';

/** Every entity of every context: what the migrations must describe, exactly. */
export const ALL_ENTITIES = [...TENANCY_ENTITIES, ...INVENTORY_ENTITIES, ...DETECTION_ENTITIES, ...INCIDENT_ENTITIES, ...REPORT_ENTITIES, ...ALERT_ENTITIES, ...RUNBOOK_ENTITIES, ...VANTAGE_ENTITIES, ...FLEET_ENTITIES, ...ONCALL_ENTITIES, ...STATUS_PAGE_ENTITIES];
