import { type EgressGuard, egressFetch } from '#lib/egress';
/**
 * The Proxmox VE API (`/api2/json`), authenticated with an API token (`PVEAPIToken=user@realm!id=secret`). Requests
 * are built apart from sending them so a dry-run shows them exactly (token masked).
 */
export interface ProxmoxRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export function proxmoxRequest(apiUrl: string, token: string, method: 'GET' | 'POST', path: string, form?: Record<string, string | number>): ProxmoxRequest {
  const base = apiUrl.replace(/\/+$/, '');
  const body = form ? new URLSearchParams(Object.entries(form).map(([k, v]): [string, string] => [k, String(v)])).toString() : undefined;
  return {
    method,
    url: `${base}/api2/json${path}`,
    headers: { authorization: `PVEAPIToken=${token}`, ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
    body,
  };
}

export function showProxmox(request: ProxmoxRequest): string {
  return `${request.method} ${request.url}${request.body ? ` ${request.body}` : ''}`;
}

/** Through the egress policy: the API URL is the tenant's configuration. */
export async function sendProxmox(request: ProxmoxRequest, timeoutMs: number, egress: EgressGuard, signal?: AbortSignal): Promise<{ status: number; data: unknown; text: string }> {
  const response = await egressFetch(egress, request.url, { method: request.method, headers: request.headers, body: request.body, timeoutMs, signal, maxBodyBytes: 64 * 1024 });
  const text = response.body;
  let data: unknown = null;
  try {
    data = (JSON.parse(text) as { data?: unknown }).data ?? null;
  } catch {
    // not JSON: the status and text say what happened
  }
  return { status: response.status, data, text };
}

/** Waits for a Proxmox task (UPID) to stop; ok when its exit status is "OK". */
export async function waitProxmoxTask(apiUrl: string, token: string, node: string, upid: string, deadlineMs: number, egress: EgressGuard, signal?: AbortSignal): Promise<{ ok: boolean; status: string }> {
  // Monotonic: a deadline on real waits (setTimeout), not a time of day; a wall-clock step must not end it early or late.
  const deadline = performance.now() + deadlineMs;
  for (;;) {
    const { data } = await sendProxmox(proxmoxRequest(apiUrl, token, 'GET', `/nodes/${encodeURIComponent(node)}/tasks/${encodeURIComponent(upid)}/status`), 5000, egress, signal);
    const task = (data ?? {}) as { status?: string; exitstatus?: string };
    if (task.status === 'stopped') return { ok: task.exitstatus === 'OK', status: task.exitstatus ?? 'stopped' };
    if (performance.now() > deadline || signal?.aborted) return { ok: false, status: `still ${task.status ?? 'unknown'} after ${deadlineMs} ms` };
    await new Promise((r) => setTimeout(r, 500));
  }
}
