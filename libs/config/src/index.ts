export { ConfigError, type DemoMysqlTarget, loadVigiaConfig, parseDemoMysqlUrl, PROCESS_ROLES, type ProcessRole, VigiaConfig, VigiaEnvironment } from './vigia-config.js';
export { VigiaConfigModule } from './vigia-config.module.js';
export { type AgentConfig, AgentEnvironment, loadAgentConfig } from './agent-config.js';
