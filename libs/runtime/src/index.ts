export { prepareDatabase, type PreparedDatabase } from './prepare-database.js';
export { runVigiaProcess, type ProcessDefinition } from './vigia-process.js';
export { createVigiaApp } from './create-vigia-app.js';
