export { agentSecretBox, SecretBox } from './secret-box.js';
export { loadMasterKey, SecretsModule } from './secrets.module.js';
