import { fieldMeta, metaOf } from '#lib/common';
import { probeKind } from '#lib/probes';
import { secretRefSchema, type SecretRef } from './fleet-schema.js';

/** Where a monitor's config holds a secret: a secret field (`password`) or a credential header (`headers.Authorization`). */
export interface SecretSlot {
  path: string[];
  value: unknown;
}

export function isSecretRef(value: unknown): value is SecretRef {
  return secretRefSchema.safeParse(value).success;
}

/** The secret slots a config of `type` has values in. */
export function secretSlots(type: string, config: Record<string, unknown>): SecretSlot[] {
  const kind = probeKind(type);
  if (!kind) return [];
  const slots: SecretSlot[] = [];
  for (const [key, value] of Object.entries(config)) {
    const field = Object.hasOwn(kind.config, key) ? kind.config[key] : undefined;
    if (!field || value === undefined) continue;
    const meta = metaOf(field);
    if (meta.secret) slots.push({ path: [key], value });
    const credentialHeaders = meta.secretHeaders ?? fieldMeta.get(field)?.secretHeaders;
    if (credentialHeaders && value && typeof value === 'object' && !Array.isArray(value)) {
      for (const [header, v] of Object.entries(value)) if (credentialHeaders.test(header)) slots.push({ path: [key, header], value: v });
    }
  }
  return slots;
}

export const INLINE_SECRET = 'is a secret written in the file: refer to it as { env: NAME } or { file: path, key: name }';
