import type { MigrationInterface, QueryRunner } from 'typeorm';

export class StatusPages1796109737297 implements MigrationInterface {
  name = 'StatusPages1796109737297';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"status_pages\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"tenant_id\" uuid NOT NULL, \"slug\" text NOT NULL, \"title\" text NOT NULL, \"custom_domain\" text, \"visibility\" text NOT NULL DEFAULT 'public', \"password_hash\" text, \"auth_version\" integer NOT NULL DEFAULT '1', \"customer_id\" uuid, \"language\" text NOT NULL DEFAULT 'en', \"time_zone\" text NOT NULL DEFAULT 'UTC', \"days\" integer NOT NULL DEFAULT '90', \"footer\" text NOT NULL DEFAULT '', \"accent_color\" text NOT NULL DEFAULT '#1f6feb', \"logo_url\" text, \"links\" jsonb NOT NULL DEFAULT '[]', \"auto_publish\" boolean NOT NULL DEFAULT false, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"updated_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_360e97c9c5ba8a8f5ca88315028\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE UNIQUE INDEX \"IDX_status_pages_domain\" ON \"status_pages\"  (\"custom_domain\") WHERE \"custom_domain\" IS NOT NULL");
    await queryRunner.query("CREATE UNIQUE INDEX \"IDX_b5fe31e2871e14b4038f6b872d\" ON \"status_pages\"  (\"tenant_id\", \"slug\") ");
    await queryRunner.query("CREATE TABLE \"status_components\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"tenant_id\" uuid NOT NULL, \"page_id\" uuid NOT NULL, \"kind\" text NOT NULL, \"subject_id\" uuid NOT NULL, \"display_name\" text NOT NULL, \"group_name\" text, \"position\" integer NOT NULL DEFAULT '0', CONSTRAINT \"PK_2857c13698b9a79f3be73045cd5\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"IDX_b1c48dcca9fe2e033994d7a86e\" ON \"status_components\"  (\"page_id\", \"position\") ");
    await queryRunner.query("CREATE TABLE \"status_posts\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"tenant_id\" uuid NOT NULL, \"page_id\" uuid NOT NULL, \"title\" text NOT NULL, \"state\" text NOT NULL DEFAULT 'investigating', \"published\" boolean NOT NULL DEFAULT false, \"published_at\" TIMESTAMP WITH TIME ZONE, \"incident_id\" uuid, \"component_ids\" uuid array NOT NULL DEFAULT '{}', \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_45201e3568b1823c3d2a9154798\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE UNIQUE INDEX \"IDX_status_posts_incident\" ON \"status_posts\"  (\"page_id\", \"incident_id\") WHERE \"incident_id\" IS NOT NULL");
    await queryRunner.query("CREATE INDEX \"IDX_2cdb31b5a32b248da51358f293\" ON \"status_posts\"  (\"page_id\", \"created_at\") ");
    await queryRunner.query("CREATE TABLE \"status_post_updates\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"tenant_id\" uuid NOT NULL, \"post_id\" uuid NOT NULL, \"state\" text NOT NULL, \"body\" text NOT NULL, \"at\" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT \"PK_9e3901640254c670aef7abf83b3\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"IDX_28eae2f2ca2c952c5af9e8a863\" ON \"status_post_updates\"  (\"post_id\", \"at\") ");
    await queryRunner.query("ALTER TABLE \"status_pages\" ADD CONSTRAINT \"FK_e25011bc170f9005748a271acaa\" FOREIGN KEY (\"tenant_id\") REFERENCES \"tenants\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"status_components\" ADD CONSTRAINT \"FK_260d3d4fb8a02ffefabc0b17464\" FOREIGN KEY (\"page_id\") REFERENCES \"status_pages\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"status_posts\" ADD CONSTRAINT \"FK_dcf9a5fa245ace53615bc1e7dba\" FOREIGN KEY (\"page_id\") REFERENCES \"status_pages\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"status_post_updates\" ADD CONSTRAINT \"FK_5fa3386ca435e43b141b19527eb\" FOREIGN KEY (\"post_id\") REFERENCES \"status_posts\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"status_post_updates\" DROP CONSTRAINT \"FK_5fa3386ca435e43b141b19527eb\"");
    await queryRunner.query("ALTER TABLE \"status_posts\" DROP CONSTRAINT \"FK_dcf9a5fa245ace53615bc1e7dba\"");
    await queryRunner.query("ALTER TABLE \"status_components\" DROP CONSTRAINT \"FK_260d3d4fb8a02ffefabc0b17464\"");
    await queryRunner.query("ALTER TABLE \"status_pages\" DROP CONSTRAINT \"FK_e25011bc170f9005748a271acaa\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_28eae2f2ca2c952c5af9e8a863\"");
    await queryRunner.query("DROP TABLE \"status_post_updates\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_2cdb31b5a32b248da51358f293\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_status_posts_incident\"");
    await queryRunner.query("DROP TABLE \"status_posts\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_b1c48dcca9fe2e033994d7a86e\"");
    await queryRunner.query("DROP TABLE \"status_components\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_b5fe31e2871e14b4038f6b872d\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_status_pages_domain\"");
    await queryRunner.query("DROP TABLE \"status_pages\"");
  }
}
