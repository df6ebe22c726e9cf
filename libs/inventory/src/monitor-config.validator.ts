import { checkSettings, VigiaException } from '#lib/common';
import type { EgressGuard } from '#lib/egress';
import { probeKind, type ProbeType } from '#lib/probes';

const MAX_CONFIG_BYTES = 16 * 1024;

/**
 * Checks a monitor's config against its probe kind's declared shape (`<type>.probe.ts` in libs/probes): unknown keys
 * refused, each value in its field's words, required keys. Throws VALIDATION_FAILED naming `config.<key>` for the
 * first problem found. With `egress`, an address literal the egress policy refuses (a `host`, a DNS `server`, a URL's
 * host) is refused here, at save, not only when probing.
 */
export function validateMonitorConfig(type: ProbeType, config: Record<string, unknown>, field = 'input.config', egress?: EgressGuard): void {
  if (Buffer.byteLength(JSON.stringify(config)) > MAX_CONFIG_BYTES) throw VigiaException.invalid(field, `is larger than ${MAX_CONFIG_BYTES} bytes`);
  const kind = probeKind(type);
  if (!kind) throw VigiaException.invalid(field, `belongs to an unknown probe type ${type}`);
  checkSettings(kind.config, config, { path: field, unknown: () => `is not a setting of a ${type} monitor`, required: () => `is required for a ${type} monitor` }, egress);
}
