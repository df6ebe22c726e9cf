/**
 * One clock for the whole dashboard: every time is shown in one zone and says which. The operator chooses the
 * browser's zone or the company's (the tenant's, the zone its reports and e-mails use); the choice is kept per browser.
 */
export type ClockChoice = 'browser' | 'company';

const KEY = 'vigia.clock';
// This folder is also compiled for Node (its specs run there): the browser's storage, when there is one.
const storage = (globalThis as { localStorage?: { getItem(key: string): string | null; setItem(key: string, value: string): void } }).localStorage;
export const BROWSER_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;
let companyZone = 'UTC';
let choice: ClockChoice = readChoice();

function readChoice(): ClockChoice {
  try {
    return storage?.getItem(KEY) === 'company' ? 'company' : 'browser';
  } catch {
    return 'browser';
  }
}

/** The zone every time is shown in now. */
export function displayZone(): string {
  return choice === 'company' ? companyZone : BROWSER_ZONE;
}

export function clockChoice(): ClockChoice {
  return choice;
}

export function setClockChoice(next: ClockChoice): void {
  choice = next;
  try {
    storage?.setItem(KEY, next);
  } catch {
    // A browser without storage keeps the choice for this page only.
  }
}

/** The company's zone, from `me { tenant { timeZone } }` once signed in. */
export function setCompanyZone(zone: string): void {
  companyZone = zone;
}

export function currentCompanyZone(): string {
  return companyZone;
}
