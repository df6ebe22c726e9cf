import { useMutation } from 'urql';
import { useCan } from '../session-context.js';
import { QueryError } from './form.js';

const PREVIEW = 'mutation PreviewMonthlyReport($c: ID!, $m: String!) { previewMonthlyReport(customerId: $c, month: $m) { to subject html } }';

interface Preview {
  previewMonthlyReport: { to: string | null; subject: string; html: string };
}

/**
 * The customer's monthly report e-mail for one month, rendered by the API without sending it: subject and recipient,
 * and the HTML in an iframe sandboxed with no permissions (no scripts, no same-origin), so the e-mail shows as mailed.
 */
export function MonthlyMailPreview({ customerId, month }: { customerId: string; month: string }) {
  const [preview, makePreview] = useMutation<Preview>(PREVIEW);
  // The API lets operators and above preview (it is a mutation); a viewer's page does not draw the button.
  const canPreview = useCan('operator');
  const mail = preview.data?.previewMonthlyReport;
  if (!canPreview) return null;
  return (
    <div className="mail-preview">
      <button type="button" onClick={() => makePreview({ c: customerId, m: month })} disabled={preview.fetching}>
        Preview monthly e-mail
      </button>
      <QueryError error={preview.error} />
      {mail && (
        <div data-testid="mail-preview">
          <p>
            <strong>Subject:</strong> <span data-testid="mail-preview-subject">{mail.subject}</span>
            <br />
            <strong>To:</strong> {mail.to ?? 'no address: this customer would not get it'}
          </p>
          <iframe title="Monthly e-mail preview" sandbox="" srcDoc={mail.html} style={{ width: '100%', height: '24rem', border: '1px solid #d0d5dd' }} />
        </div>
      )}
    </div>
  );
}
