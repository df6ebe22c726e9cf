export { type Interval, union, clip, subtract, total } from './intervals.js';
export { availability, combineAnyDown, combineFigures, crossCheck, currentPolicy, DEFAULT_POLICY, POLICY_VERSION, type AccountingPolicy, type AvailabilityFigures, type SubjectHistory } from './availability.js';
export { allowedDowntimeMs, errorBudget, formatDuration, formatPercent, nines, targetPpm, type ErrorBudget } from './nines.js';
export { assertTimeZone, buckets, calendarPeriod, localDate, monthPeriod, yearPeriod, zonedMidnight, zoneOffsetMs, type Granularity } from './periods.js';
export { ReportsModule, REPORT_ENTITIES } from './reports.module.js';
export { ReportLinks } from './report-links.js';
export { ReportsService } from './reports.service.js';
export { MonthlyReportJob, previousMonth } from './monthly-report.job.js';
export { HistoryLoader, type CustomerLinkRow, type MonitorRow } from './history.loader.js';
