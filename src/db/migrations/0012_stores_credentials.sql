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
ALTER TABLE "stores" ADD COLUMN "credential_fields" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "stores" ADD COLUMN "webhook_secrets_encrypted" text;--> statement-breakpoint
ALTER TABLE "stores" ADD COLUMN "webhook_secret_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "store_oauth_states_expires_idx" ON "store_oauth_states" USING btree ("expires_at");--> statement-breakpoint
CREATE UNIQUE INDEX "stores_org_external_uq" ON "stores" USING btree ("org_id","platform","external_id");