/** One figure with its label, in a row of them (`.kpis`): the reports' headline numbers. */
export function Kpi({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div className="kpi">
      <span className="kpi-label">{label}</span>
      <strong className="kpi-value" data-testid={testId}>
        {value}
      </strong>
    </div>
  );
}
