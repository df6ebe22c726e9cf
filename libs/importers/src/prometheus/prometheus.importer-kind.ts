import { defineImporter } from '../importer-kind.js';
import { importPrometheus } from './prometheus.importer.js';

export const prometheusImporter = defineImporter({
  name: 'prometheus',
  path: 'the folder holding prometheus.yml (blackbox jobs, static_configs, file_sd_configs) and blackbox.yml, or that prometheus.yml',
  read: importPrometheus,
});
