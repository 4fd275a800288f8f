CREATE TABLE "notifications" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"title" text NOT NULL,
	"body" text NOT NULL,
	"data" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"read_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "idempotency_keys" (
	"org_id" uuid NOT NULL,
	"key" text NOT NULL,
	"scope" text NOT NULL,
	"request_hash" text NOT NULL,
	"status" integer NOT NULL,
	"response" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "marketplace_tasks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"marketplace" text NOT NULL,
	"created_by" text NOT NULL,
	"title" text NOT NULL,
	"description" text NOT NULL,
	"category" text NOT NULL,
	"priority" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"submitted_at" timestamp with time zone,
	"approved_at" timestamp with time zone,
	"started_at" timestamp with time zone,
	"completed_at" timestamp with time zone,
	"assigned_to" uuid,
	"approved_by" uuid,
	"completed_by" uuid,
	"estimated_hours" numeric NOT NULL,
	"actual_hours" numeric,
	"tags" text[],
	"metadata" jsonb DEFAULT '{}'::jsonb,
	"rejection_reason" text,
	"completion_notes" text,
	"created_at_index" timestamp with time zone GENERATED ALWAYS AS (created_at) STORED,
	"version" integer DEFAULT 1 NOT NULL,
	"dedupe_key" text NOT NULL,
	CONSTRAINT "marketplace_tasks_marketplace_check" CHECK ("marketplace_tasks"."marketplace" in ('amazon', 'shopee', 'mercadolivre', 'shein', 'tiktokshop', 'kaway')),
	CONSTRAINT "marketplace_tasks_category_check" CHECK ("marketplace_tasks"."category" in ('optimization', 'best-practice', 'scaling', 'analysis')),
	CONSTRAINT "marketplace_tasks_priority_check" CHECK ("marketplace_tasks"."priority" in ('high', 'medium', 'low')),
	CONSTRAINT "marketplace_tasks_status_check" CHECK ("marketplace_tasks"."status" in ('pending', 'awaiting_approval', 'approved', 'in_progress', 'completed', 'rejected')),
	CONSTRAINT "marketplace_tasks_estimated_hours_check" CHECK ("marketplace_tasks"."estimated_hours" > 0)
);
--> statement-breakpoint
CREATE INDEX "notifications_user_idx" ON "notifications" USING btree ("org_id","user_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "idempotency_keys_pk" ON "idempotency_keys" USING btree ("org_id","scope","key");--> statement-breakpoint
CREATE INDEX "idempotency_keys_created_idx" ON "idempotency_keys" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "idx_marketplace_tasks_status" ON "marketplace_tasks" USING btree ("status");--> statement-breakpoint
CREATE INDEX "idx_marketplace_tasks_marketplace" ON "marketplace_tasks" USING btree ("marketplace");--> statement-breakpoint
CREATE INDEX "idx_marketplace_tasks_created_by" ON "marketplace_tasks" USING btree ("created_by");--> statement-breakpoint
CREATE INDEX "idx_marketplace_tasks_approved_by" ON "marketplace_tasks" USING btree ("approved_by");--> statement-breakpoint
CREATE INDEX "idx_marketplace_tasks_assigned_to" ON "marketplace_tasks" USING btree ("assigned_to");--> statement-breakpoint
CREATE INDEX "idx_marketplace_tasks_status_submitted" ON "marketplace_tasks" USING btree ("status","submitted_at");--> statement-breakpoint
CREATE INDEX "idx_marketplace_tasks_completed_at" ON "marketplace_tasks" USING btree ("completed_at");--> statement-breakpoint
CREATE INDEX "idx_marketplace_tasks_marketplace_status" ON "marketplace_tasks" USING btree ("marketplace","status");--> statement-breakpoint
CREATE INDEX "marketplace_tasks_org_created_idx" ON "marketplace_tasks" USING btree ("org_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "marketplace_tasks_org_status_idx" ON "marketplace_tasks" USING btree ("org_id","status","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "marketplace_tasks_org_completed_idx" ON "marketplace_tasks" USING btree ("org_id","completed_at");--> statement-breakpoint
CREATE INDEX "marketplace_tasks_org_approved_idx" ON "marketplace_tasks" USING btree ("org_id","approved_at");--> statement-breakpoint
CREATE UNIQUE INDEX "marketplace_tasks_open_dedupe_idx" ON "marketplace_tasks" USING btree ("org_id","dedupe_key") WHERE "marketplace_tasks"."status" not in ('completed', 'rejected');