import { useEffect } from 'react';
import { useQuery } from 'urql';
import { BROWSER_ZONE, type ClockChoice, clockChoice, currentCompanyZone, setClockChoice, setCompanyZone } from '../lib/clock.js';

/**
 * The header's clock: which zone every time on every page is shown in. `onChange` re-renders the app, so the times
 * already on screen follow at once.
 */
export function ClockChoiceSelect({ onChange }: { onChange: () => void }) {
  const [{ data }] = useQuery<{ me: { tenant: { timeZone: string } } }>({ query: '{ me { tenant { timeZone } } }' });
  const company = data?.me.tenant.timeZone;
  useEffect(() => {
    if (company && company !== currentCompanyZone()) {
      setCompanyZone(company);
      // Pages re-render only when they show the company's zone (a remount would reset a form being filled).
      if (clockChoice() === 'company') onChange();
    }
  }, [company, onChange]);
  return (
    <label className="clock-choice">
      <span className="muted">Times in </span>
      <select
        aria-label="Times shown in"
        value={clockChoice()}
        onChange={(e) => {
          setClockChoice(e.target.value as ClockChoice);
          onChange();
        }}
      >
        <option value="browser">your zone ({BROWSER_ZONE})</option>
        <option value="company">the company’s ({company ?? currentCompanyZone()})</option>
      </select>
    </label>
  );
}
