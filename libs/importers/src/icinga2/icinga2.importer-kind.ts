import { defineImporter } from '../importer-kind.js';
import { importIcinga2 } from './icinga2.importer.js';

export const icinga2Importer = defineImporter({
  name: 'icinga2',
  path: 'an Icinga 2 .conf file or a folder of them (conf.d, zones.d): hosts, services, apply rules that resolve statically',
  read: importIcinga2,
});
