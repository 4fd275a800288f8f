-- Foreign keys across modules (a module never imports another's tables, so they are declared here):
-- store data goes with its store and its org. Self-contained: safe to re-apply after regenerating the tables' migrations.
ALTER TABLE "store_oauth_states" DROP CONSTRAINT IF EXISTS "store_oauth_states_org_id_orgs_id_fk";
--> statement-breakpoint
ALTER TABLE "store_oauth_states" ADD CONSTRAINT "store_oauth_states_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE cascade;
--> statement-breakpoint
ALTER TABLE "webhook_events" DROP CONSTRAINT IF EXISTS "webhook_events_org_id_orgs_id_fk";
--> statement-breakpoint
ALTER TABLE "webhook_events" ADD CONSTRAINT "webhook_events_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE cascade;
--> statement-breakpoint
ALTER TABLE "products" DROP CONSTRAINT IF EXISTS "products_org_id_orgs_id_fk";
--> statement-breakpoint
ALTER TABLE "products" ADD CONSTRAINT "products_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE cascade;
--> statement-breakpoint
ALTER TABLE "products" DROP CONSTRAINT IF EXISTS "products_origin_store_id_stores_id_fk";
--> statement-breakpoint
ALTER TABLE "products" ADD CONSTRAINT "products_origin_store_id_stores_id_fk" FOREIGN KEY ("origin_store_id") REFERENCES "public"."stores"("id") ON DELETE cascade;
--> statement-breakpoint
ALTER TABLE "product_variants" DROP CONSTRAINT IF EXISTS "product_variants_org_id_orgs_id_fk";
--> statement-breakpoint
ALTER TABLE "product_variants" ADD CONSTRAINT "product_variants_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE cascade;
--> statement-breakpoint
ALTER TABLE "listings" DROP CONSTRAINT IF EXISTS "listings_org_id_orgs_id_fk";
--> statement-breakpoint
ALTER TABLE "listings" ADD CONSTRAINT "listings_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE cascade;
--> statement-breakpoint
ALTER TABLE "listings" DROP CONSTRAINT IF EXISTS "listings_store_id_stores_id_fk";
--> statement-breakpoint
ALTER TABLE "listings" ADD CONSTRAINT "listings_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE cascade;
--> statement-breakpoint
ALTER TABLE "inventory_levels" DROP CONSTRAINT IF EXISTS "inventory_levels_org_id_orgs_id_fk";
--> statement-breakpoint
ALTER TABLE "inventory_levels" ADD CONSTRAINT "inventory_levels_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE cascade;
--> statement-breakpoint
ALTER TABLE "inventory_levels" DROP CONSTRAINT IF EXISTS "inventory_levels_store_id_stores_id_fk";
--> statement-breakpoint
ALTER TABLE "inventory_levels" ADD CONSTRAINT "inventory_levels_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE cascade;
--> statement-breakpoint
ALTER TABLE "orders" DROP CONSTRAINT IF EXISTS "orders_org_id_orgs_id_fk";
--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE cascade;
--> statement-breakpoint
ALTER TABLE "orders" DROP CONSTRAINT IF EXISTS "orders_store_id_stores_id_fk";
--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE cascade;
--> statement-breakpoint
ALTER TABLE "order_lines" DROP CONSTRAINT IF EXISTS "order_lines_org_id_orgs_id_fk";
--> statement-breakpoint
ALTER TABLE "order_lines" ADD CONSTRAINT "order_lines_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE cascade;
