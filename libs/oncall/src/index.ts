export { OnCallModule, OnCallApiModule, ONCALL_ENTITIES } from './oncall.module.js';
export { PagingTargets, type PersonalPage, type ScheduleVerdict } from './paging-targets.js';
export { ContactKind, PhoneMode, CHAT_KINDS } from './people/contact-method.entity.js';
export { E164, addressProblem } from './people/people.service.js';
export { resolveShifts, onCallAt, type ScheduleRules, type Shift, type RotationLayer, type Restriction, type Override } from './schedules/resolve-shifts.js';
