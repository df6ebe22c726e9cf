export { prepareDatabase, type PreparedDatabase } from './prepare-database.js';
export { runVigiaProcess, type ProcessDefinition } from './vigia-process.js';
