import { defineImporter } from '../importer-kind.js';
import { importNagios } from './nagios.importer.js';

export const nagiosImporter = defineImporter({
  name: 'nagios',
  path: 'nagios.cfg (its cfg_file/cfg_dir are followed), a folder of .cfg object files, or one object file; Naemon alike',
  read: importNagios,
});
