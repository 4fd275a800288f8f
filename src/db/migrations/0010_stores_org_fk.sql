-- A store belongs to an org and goes with it (the stores module does not import tenancy's tables,
-- so this foreign key is declared here). Self-contained: safe to re-apply after regenerating the stores migration.
ALTER TABLE "stores" DROP CONSTRAINT IF EXISTS "stores_org_id_orgs_id_fk";--> statement-breakpoint
ALTER TABLE "stores" ADD CONSTRAINT "stores_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE cascade;
