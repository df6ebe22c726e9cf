import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The incidents a drafted status post speaks for (a second incident of the same outage joins the first's post). */
export class StatusPostIncidents1796349606028 implements MigrationInterface {
  name = 'StatusPostIncidents1796349606028';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"status_post_incidents\" (\"page_id\" uuid NOT NULL, \"incident_id\" uuid NOT NULL, \"post_id\" uuid NOT NULL, \"tenant_id\" uuid NOT NULL, CONSTRAINT \"PK_b057669e6d555b6df7bee80f251\" PRIMARY KEY (\"page_id\", \"incident_id\"))");
    await queryRunner.query("CREATE INDEX \"IDX_5c0b0ddae505d8a0b167781a59\" ON \"status_post_incidents\"  (\"post_id\") ");
    await queryRunner.query("ALTER TABLE \"status_post_incidents\" ADD CONSTRAINT \"FK_5c0b0ddae505d8a0b167781a59d\" FOREIGN KEY (\"post_id\") REFERENCES \"status_posts\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    // Every post drafted so far speaks for the one incident it was drafted from.
    await queryRunner.query('INSERT INTO status_post_incidents (page_id, incident_id, post_id, tenant_id) SELECT page_id, incident_id, id, tenant_id FROM status_posts WHERE incident_id IS NOT NULL');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"status_post_incidents\" DROP CONSTRAINT \"FK_5c0b0ddae505d8a0b167781a59d\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_5c0b0ddae505d8a0b167781a59\"");
    await queryRunner.query("DROP TABLE \"status_post_incidents\"");
  }
}
