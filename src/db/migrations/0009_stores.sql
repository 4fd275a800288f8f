CREATE TABLE "circuit_breakers" (
	"org_id" uuid NOT NULL,
	"store_id" uuid NOT NULL,
	"operation" text NOT NULL,
	"state" text DEFAULT 'closed' NOT NULL,
	"failures" integer DEFAULT 0 NOT NULL,
	"probe_successes" integer DEFAULT 0 NOT NULL,
	"opened_at" timestamp with time zone,
	"next_probe_at" timestamp with time zone,
	"probe_until" timestamp with time zone,
	"probe_owner" text,
	"open_count" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"last_failure_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "circuit_breakers_store_id_operation_pk" PRIMARY KEY("store_id","operation"),
	CONSTRAINT "circuit_breakers_state_check" CHECK ("circuit_breakers"."state" in ('closed', 'open', 'half_open'))
);
--> statement-breakpoint
CREATE TABLE "stores" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"platform" text NOT NULL,
	"name" text NOT NULL,
	"external_id" text,
	"status" text DEFAULT 'active' NOT NULL,
	"config" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"credentials_encrypted" text,
	"rate_limit_state" jsonb DEFAULT '{"buckets":{}}'::jsonb NOT NULL,
	"health" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"last_synced_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "stores_status_check" CHECK ("stores"."status" in ('active', 'paused', 'disconnected', 'error'))
);
--> statement-breakpoint
ALTER TABLE "circuit_breakers" ADD CONSTRAINT "circuit_breakers_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "circuit_breakers_org_idx" ON "circuit_breakers" USING btree ("org_id","state");--> statement-breakpoint
CREATE INDEX "stores_org_idx" ON "stores" USING btree ("org_id","created_at");