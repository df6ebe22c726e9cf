import { egressFetch, excerpt } from '#lib/egress';
import { type StepHandler, StepInputError, durationField, sequential } from './step.js';
import { duration, int, mapping, text, url, word } from './step-fields.js';

/** An HTTP call (a provider API, a health endpoint); GET, HEAD, PUT and DELETE are safe to repeat. */
export const httpRequestStep: StepHandler = {
  type: 'http.request',
  fields: {
    method: word({ oneOf: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] }).optional(),
    url: url(),
    headers: mapping().optional(),
    body: text().optional(),
    expect_status: int(100, 599).optional(),
    timeout: duration().optional(),
  },
  idempotent: (step) => ['GET', 'HEAD', 'PUT', 'DELETE', undefined].includes(step.with.method as string | undefined),
  async plan(w, ctx) {
    const method = String(w.method ?? 'GET');
    const url = String(w.url);
    const headers = Object.fromEntries(Object.entries((w.headers as Record<string, unknown> | undefined) ?? {}).map(([k, v]) => [k, String(v)]));
    const expect = typeof w.expect_status === 'number' ? w.expect_status : undefined;
    const timeoutMs = durationField(w.timeout, 10_000);
    return sequential([{
      kind: 'http',
      target: new URL(url).host,
      command: `${method} ${url}${w.body !== undefined ? ` ${String(w.body).slice(0, 200)}` : ''}`,
      async run(io) {
        // Through the egress policy; redirects are not followed. The run keeps (and shows the tenant) an excerpt only.
        const response = await egressFetch(ctx.egress, url, { method, headers, body: w.body === undefined ? undefined : String(w.body), timeoutMs, signal: io.signal, maxBodyBytes: 4096 });
        const body = excerpt(response.body);
        io.onData('stdout', body);
        const ok = expect !== undefined ? response.status === expect : response.status >= 200 && response.status < 300;
        return { ok, exitCode: response.status, stdout: body, note: `HTTP ${response.status}` };
      },
    }]);
  },
};

/** Pauses the run until an operator approves (or aborts) it. */
export const approvalStep: StepHandler = {
  type: 'approval',
  fields: {
    message: text(),
  },
  idempotent: () => true,
  async plan(w) {
    const message = String(w.message);
    return {
      actions: [{ kind: 'approval', target: 'operator', command: message, run: async () => ({ ok: true }) }],
      async execute(exec) {
        return exec.operatorOverride ? { ok: true } : { ok: false, askOperator: message };
      },
    };
  },
};

/** Posts a message to the incident's timeline (and the run's log), so people following the incident see it. */
export const notifyStep: StepHandler = {
  type: 'notify',
  fields: {
    message: text(),
  },
  idempotent: () => true,
  async plan(w, ctx, path, { note }) {
    const message = String(w.message);
    if (message.trim() === '') throw new StepInputError(`${path}.message`, 'is empty');
    return sequential([{
      kind: 'notify',
      target: ctx.incidentId ? `incident ${ctx.incidentId}` : 'run log',
      command: message,
      async run() {
        return { ok: true, stdout: await note(ctx.tenantId, ctx.incidentId, message) };
      },
    }]);
  },
};
