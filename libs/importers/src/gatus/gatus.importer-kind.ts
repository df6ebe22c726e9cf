import { defineImporter } from '../importer-kind.js';
import { importGatus } from './gatus.importer.js';

export const gatusImporter = defineImporter({
  name: 'gatus',
  path: "Gatus' config.yaml (endpoints, conditions, alerting)",
  read: importGatus,
});
