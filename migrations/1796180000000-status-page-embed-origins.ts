import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Status pages: the origins a public page may be embedded by (frame-ancestors); none by default. */
export class StatusPageEmbedOrigins1796180000000 implements MigrationInterface {
  name = 'StatusPageEmbedOrigins1796180000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "status_pages" ADD "embed_origins" jsonb NOT NULL DEFAULT '[]'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "status_pages" DROP COLUMN "embed_origins"`);
  }
}
