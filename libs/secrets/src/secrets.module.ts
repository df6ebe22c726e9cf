import { Global, Logger, Module } from '@nestjs/common';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { VigiaConfig } from '#lib/config';
import { SecretBox } from './secret-box.js';

/**
 * The master key comes from VIGIA_MASTER_KEY (base64, 32 bytes). Without it, quick start keeps a generated key in
 * <data dir>/master.key (mode 600) and says so: fine on one machine, not for replicas on several (set the variable).
 */
export function loadMasterKey(config: VigiaConfig): Buffer {
  if (config.masterKey) return config.masterKey;
  const file = join(config.dataDir, 'master.key');
  if (!existsSync(file)) {
    mkdirSync(config.dataDir, { recursive: true });
    writeFileSync(file, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
    new Logger('Secrets').warn(`generated a master key in ${file}; set VIGIA_MASTER_KEY on every process when running several`);
  }
  return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
}

@Global()
@Module({
  providers: [{ provide: SecretBox, inject: [VigiaConfig], useFactory: (config: VigiaConfig) => new SecretBox(loadMasterKey(config)) }],
  exports: [SecretBox],
})
export class SecretsModule {}
