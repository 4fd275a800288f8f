CREATE TABLE "inventory_levels" (
	"org_id" uuid NOT NULL,
	"store_id" uuid NOT NULL,
	"variant_id" uuid NOT NULL,
	"inventory_item_id" text,
	"available" integer NOT NULL,
	"synced_at" timestamp with time zone NOT NULL,
	CONSTRAINT "inventory_levels_store_id_variant_id_pk" PRIMARY KEY("store_id","variant_id")
);
--> statement-breakpoint
CREATE TABLE "listings" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"store_id" uuid NOT NULL,
	"variant_id" uuid NOT NULL,
	"channel_listing_id" text NOT NULL,
	"channel_variant_id" text NOT NULL,
	"status" text NOT NULL,
	"title" text NOT NULL,
	"price_amount" bigint NOT NULL,
	"currency" text NOT NULL,
	"url" text,
	"fields" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"synced_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "product_variants" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"product_id" uuid NOT NULL,
	"sku" text,
	"title" text NOT NULL,
	"attributes" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"price_amount" bigint NOT NULL,
	"currency" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "products" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"title" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"vendor" text,
	"product_type" text,
	"status" text NOT NULL,
	"handle" text,
	"tags" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"image_count" integer DEFAULT 0 NOT NULL,
	"video_count" integer DEFAULT 0 NOT NULL,
	"origin_store_id" uuid NOT NULL,
	"origin_channel_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "order_lines" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"order_id" uuid NOT NULL,
	"channel_line_id" text NOT NULL,
	"sku" text NOT NULL,
	"title" text NOT NULL,
	"quantity" integer NOT NULL,
	"unit_price_amount" bigint NOT NULL,
	"total_amount" bigint NOT NULL,
	"channel_variant_id" text
);
--> statement-breakpoint
CREATE TABLE "orders" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"store_id" uuid NOT NULL,
	"channel_order_id" text NOT NULL,
	"number" text NOT NULL,
	"email" text,
	"currency" text NOT NULL,
	"subtotal_amount" bigint NOT NULL,
	"total_amount" bigint NOT NULL,
	"financial_status" text NOT NULL,
	"fulfillment_status" text NOT NULL,
	"cancelled" boolean DEFAULT false NOT NULL,
	"channel_created_at" timestamp with time zone NOT NULL,
	"channel_updated_at" timestamp with time zone NOT NULL,
	"synced_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "store_oauth_states" (
	"state_hash" text PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"platform" text NOT NULL,
	"shop" text NOT NULL,
	"name" text,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "webhook_events" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"store_id" uuid NOT NULL,
	"platform" text NOT NULL,
	"event_id" text NOT NULL,
	"topic" text NOT NULL,
	"resource_type" text,
	"resource_id" text,
	"payload" jsonb,
	"status" text DEFAULT 'received' NOT NULL,
	"result" jsonb,
	"error" text,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"processed_at" timestamp with time zone,
	CONSTRAINT "webhook_events_status_check" CHECK ("webhook_events"."status" in ('received', 'processed', 'skipped', 'failed'))
);
--> statement-breakpoint
ALTER TABLE "stores" ADD COLUMN "credential_fields" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "stores" ADD COLUMN "webhook_secrets_encrypted" text;--> statement-breakpoint
ALTER TABLE "stores" ADD COLUMN "webhook_secret_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "stores" ADD COLUMN "sync_state" jsonb;--> statement-breakpoint
ALTER TABLE "inventory_levels" ADD CONSTRAINT "inventory_levels_variant_id_product_variants_id_fk" FOREIGN KEY ("variant_id") REFERENCES "public"."product_variants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "listings" ADD CONSTRAINT "listings_variant_id_product_variants_id_fk" FOREIGN KEY ("variant_id") REFERENCES "public"."product_variants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "product_variants" ADD CONSTRAINT "product_variants_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_lines" ADD CONSTRAINT "order_lines_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_events" ADD CONSTRAINT "webhook_events_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "inventory_levels_org_idx" ON "inventory_levels" USING btree ("org_id","variant_id");--> statement-breakpoint
CREATE UNIQUE INDEX "listings_store_variant_uq" ON "listings" USING btree ("store_id","channel_variant_id");--> statement-breakpoint
CREATE INDEX "listings_variant_idx" ON "listings" USING btree ("org_id","variant_id");--> statement-breakpoint
CREATE UNIQUE INDEX "product_variants_sku_uq" ON "product_variants" USING btree ("org_id","sku") WHERE "product_variants"."sku" is not null;--> statement-breakpoint
CREATE INDEX "product_variants_product_idx" ON "product_variants" USING btree ("product_id");--> statement-breakpoint
CREATE UNIQUE INDEX "products_origin_uq" ON "products" USING btree ("org_id","origin_store_id","origin_channel_id");--> statement-breakpoint
CREATE INDEX "products_org_idx" ON "products" USING btree ("org_id","updated_at");--> statement-breakpoint
CREATE UNIQUE INDEX "order_lines_order_line_uq" ON "order_lines" USING btree ("order_id","channel_line_id");--> statement-breakpoint
CREATE UNIQUE INDEX "orders_store_channel_uq" ON "orders" USING btree ("store_id","channel_order_id");--> statement-breakpoint
CREATE INDEX "orders_org_idx" ON "orders" USING btree ("org_id","channel_created_at");--> statement-breakpoint
CREATE INDEX "store_oauth_states_expires_idx" ON "store_oauth_states" USING btree ("expires_at");--> statement-breakpoint
CREATE UNIQUE INDEX "webhook_events_store_event_uq" ON "webhook_events" USING btree ("store_id","event_id");--> statement-breakpoint
CREATE INDEX "webhook_events_org_idx" ON "webhook_events" USING btree ("org_id","store_id","received_at");--> statement-breakpoint
CREATE INDEX "webhook_events_received_idx" ON "webhook_events" USING btree ("received_at");--> statement-breakpoint
CREATE UNIQUE INDEX "stores_org_external_uq" ON "stores" USING btree ("org_id","platform","external_id");