CREATE TABLE "marketplace_metrics" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"metric_name" text NOT NULL,
	"metric_value" double precision,
	"timestamp" timestamp with time zone DEFAULT now() NOT NULL,
	"day" date NOT NULL,
	"labels" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "queue_depth_samples" (
	"at" timestamp with time zone PRIMARY KEY NOT NULL,
	"depth" integer NOT NULL,
	"active" integer NOT NULL,
	"dead" integer NOT NULL,
	"oldest_age_seconds" integer
);
--> statement-breakpoint
CREATE TABLE "recoveries" (
	"id" uuid PRIMARY KEY NOT NULL,
	"pattern_id" uuid NOT NULL,
	"org_id" uuid,
	"action" text NOT NULL,
	"outcome" text NOT NULL,
	"trigger" text NOT NULL,
	"details" jsonb NOT NULL,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "stuck_patterns" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid,
	"type" text NOT NULL,
	"subject" text NOT NULL,
	"dedupe_key" text NOT NULL,
	"severity" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"since" timestamp with time zone NOT NULL,
	"detected_at" timestamp with time zone NOT NULL,
	"last_seen_at" timestamp with time zone NOT NULL,
	"resolved_at" timestamp with time zone,
	"details" jsonb NOT NULL,
	"recommendation" text NOT NULL,
	"auto_fixable" boolean NOT NULL,
	CONSTRAINT "stuck_patterns_status_check" CHECK ("stuck_patterns"."status" in ('open', 'resolved')),
	CONSTRAINT "stuck_patterns_severity_check" CHECK ("stuck_patterns"."severity" in ('info', 'warning', 'critical'))
);
--> statement-breakpoint
CREATE INDEX "idx_metrics_name_timestamp" ON "marketplace_metrics" USING btree ("org_id","metric_name","timestamp");--> statement-breakpoint
CREATE UNIQUE INDEX "marketplace_metrics_day_idx" ON "marketplace_metrics" USING btree ("org_id","metric_name","day","labels");--> statement-breakpoint
CREATE INDEX "recoveries_pattern_idx" ON "recoveries" USING btree ("pattern_id","at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "recoveries_org_at_idx" ON "recoveries" USING btree ("org_id","at" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "stuck_patterns_open_key_idx" ON "stuck_patterns" USING btree ("dedupe_key") WHERE "stuck_patterns"."status" = 'open';--> statement-breakpoint
CREATE INDEX "stuck_patterns_org_status_idx" ON "stuck_patterns" USING btree ("org_id","status","detected_at" DESC NULLS LAST);