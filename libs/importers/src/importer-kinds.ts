import type { ImporterKind } from './importer-kind.js';
import { gatusImporter } from './gatus/gatus.importer-kind.js';
import { icinga2Importer } from './icinga2/icinga2.importer-kind.js';
import { nagiosImporter } from './nagios/nagios.importer-kind.js';
import { prometheusImporter } from './prometheus/prometheus.importer-kind.js';
import { uptimeKumaImporter } from './uptime-kuma/kuma.importer-kind.js';

/** Every tool `vigia import` reads, listed once. Adding one: docs/extending.md. */
export const IMPORTER_KINDS: readonly ImporterKind[] = [nagiosImporter, icinga2Importer, uptimeKumaImporter, gatusImporter, prometheusImporter];

export type { ImporterKind };

export function importerKind(name: string): ImporterKind | undefined {
  return IMPORTER_KINDS.find((k) => k.name === name);
}
